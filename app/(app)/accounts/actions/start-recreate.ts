"use server";

import { z } from "zod";
import { db } from "@/lib/db";
import { defineAccountAction, UserFacingError } from "@/lib/actions/workspace-action";
import { createOAuthState } from "@/lib/accounts/oauth-state";
import { buildAuthorizeUrl } from "@/lib/ebay/oauth";
import { getEbayConfig } from "@/lib/ebay/config";

/**
 * Starts consent again for one account. The callback refuses the result unless the eBay user who
 * consents is this account's user, so a browser signed in to another eBay account cannot overwrite it.
 */
export const startRecreateAction = defineAccountAction(
  { schema: z.object({ accountId: z.string().min(1).max(64) }), permission: "accounts:recreate", name: "startRecreate" },
  async ({ user, workspace, account }) => {
    const config = getEbayConfig();
    if (account.environment !== config.mode) {
      throw new UserFacingError(
        `This account belongs to ${account.environment} eBay, but ChannelKeys is configured for ${config.label}.`,
        "wrong_environment",
      );
    }
    const state = await createOAuthState(db, {
      workspaceId: workspace.id,
      userId: user.id,
      intent: "recreate",
      accountId: account.id,
      environment: config.mode,
    });
    return { authorizeUrl: buildAuthorizeUrl({ state, prompt: "login" }, config) };
  },
);
