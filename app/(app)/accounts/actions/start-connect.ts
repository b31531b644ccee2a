"use server";

import { z } from "zod";
import { db } from "@/lib/db";
import { defineWorkspaceAction } from "@/lib/actions/workspace-action";
import { createOAuthState } from "@/lib/accounts/oauth-state";
import { buildAuthorizeUrl } from "@/lib/ebay/oauth";
import { getEbayConfig } from "@/lib/ebay/config";

/** Starts eBay consent for a new account; prompt=login so the seller picks which eBay user consents. */
export const startConnectAction = defineWorkspaceAction(
  { schema: z.object({}).strict(), permission: "accounts:connect", name: "startConnect" },
  async ({ user, workspace }) => {
    const config = getEbayConfig();
    const state = await createOAuthState(db, {
      workspaceId: workspace.id,
      userId: user.id,
      intent: "connect",
      environment: config.mode,
    });
    return { authorizeUrl: buildAuthorizeUrl({ state, prompt: "login" }, config) };
  },
);
