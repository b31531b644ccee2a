"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { defineWorkspaceAction } from "@/lib/actions/workspace-action";
import { removeMember } from "@/lib/members/members";

export const removeMemberAction = defineWorkspaceAction(
  { schema: z.object({ membershipId: z.string().min(1).max(64) }), permission: "members:manage", name: "removeMember" },
  async ({ input, user, workspace, role }) => {
    await removeMember(db, { workspaceId: workspace.id, membershipId: input.membershipId, actor: { userId: user.id, label: user.email, role } });
    revalidatePath("/settings/members");
    return { removed: true };
  },
);
