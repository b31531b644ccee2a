"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { defineWorkspaceAction, UserFacingError } from "@/lib/actions/workspace-action";
import { revokeInvitation } from "@/lib/members/members";

export const revokeInvitationAction = defineWorkspaceAction(
  { schema: z.object({ invitationId: z.string().min(1).max(64) }), permission: "members:manage", name: "revokeInvitation" },
  async ({ input, user, workspace, role }) => {
    const found = await revokeInvitation(db, { workspaceId: workspace.id, invitationId: input.invitationId, actor: { userId: user.id, label: user.email, role } });
    if (!found) throw new UserFacingError("That invitation was not found in this workspace.", "not_found");
    revalidatePath("/settings/members");
    return { revoked: true };
  },
);
