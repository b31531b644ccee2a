"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { defineWorkspaceAction } from "@/lib/actions/workspace-action";
import { changeMemberRole } from "@/lib/members/members";
import { ROLES } from "@/lib/auth/roles";

export const changeMemberRoleAction = defineWorkspaceAction(
  { schema: z.object({ membershipId: z.string().min(1).max(64), role: z.enum(ROLES) }), permission: "members:manage", name: "changeMemberRole" },
  async ({ input, user, workspace, role }) => {
    const result = await changeMemberRole(db, { workspaceId: workspace.id, membershipId: input.membershipId, role: input.role, actor: { userId: user.id, label: user.email, role } });
    revalidatePath("/settings/members");
    return result;
  },
);
