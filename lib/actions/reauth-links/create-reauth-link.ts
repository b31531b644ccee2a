"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { defineAccountAction } from "@/lib/actions/workspace-action";
import { createReauthLink, MAX_REAUTH_LINK_DAYS, reauthLinkPath } from "@/lib/reauth-links/reauth-links";
import { warningConfigFromEnv } from "@/lib/upkeep/upkeep-config";

const schema = z.object({ accountId: z.string().min(1).max(64), expiresInDays: z.coerce.number().int().min(1).max(MAX_REAUTH_LINK_DAYS) });

/** A link for one account's owner; shown once (only its hash is stored). */
export const createReauthLinkAction = defineAccountAction(
  { schema, permission: "reauth_links:manage", name: "createReauthLink" },
  async ({ input, user, workspace, account }) => {
    const created = await createReauthLink(db, { workspaceId: workspace.id, accountId: account.id, expiresInDays: input.expiresInDays, actor: { userId: user.id, label: user.email } });
    revalidatePath(`/accounts/${account.id}`);
    return { link: `${warningConfigFromEnv().appUrl}${reauthLinkPath(created.token)}`, expiresAt: created.expiresAt.toISOString() };
  },
);
