"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { defineAccountAction, UserFacingError } from "@/lib/actions/workspace-action";
import { revokeReauthLink } from "@/lib/reauth-links/reauth-links";

export const revokeReauthLinkAction = defineAccountAction(
  { schema: z.object({ accountId: z.string().min(1).max(64), linkId: z.string().min(1).max(64) }), permission: "reauth_links:manage", name: "revokeReauthLink" },
  async ({ input, user, workspace, account }) => {
    const link = await db.reauthLink.findFirst({ where: { id: input.linkId, workspaceId: workspace.id, accountId: account.id }, select: { id: true } });
    if (!link || !(await revokeReauthLink(db, { workspaceId: workspace.id, linkId: link.id, actor: { userId: user.id, label: user.email } }))) {
      throw new UserFacingError("That link was not found for this account.", "not_found");
    }
    revalidatePath(`/accounts/${account.id}`);
    return { revoked: true };
  },
);
