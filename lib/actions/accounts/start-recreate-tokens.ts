"use server";

import { z } from "zod";
import { cookies } from "next/headers";
import { db } from "@/lib/db";
import { defineAccountAction, UserFacingError } from "@/lib/actions/workspace-action";
import { createOAuthState } from "@/lib/accounts/oauth-state";
import { startAuthNAuthSignIn } from "@/lib/accounts/authnauth-signin";
import { buildAuthorizeUrl } from "@/lib/ebay/oauth";
import { getEbayConfig } from "@/lib/ebay/config";

const schema = z.object({
  accountId: z.string().min(1).max(64),
  /** Which of the account's tokens to renew; "both" is one guided pass (OAuth consent, then the Auth'n'Auth sign-in). */
  tokens: z.enum(["oauth", "authnauth", "both"]),
});

/**
 * Re-creates an account's tokens. Each step refuses a result from another eBay user than the account's (OAuth: its
 * userId; Auth'n'Auth: its EIAS token or UserID), so a browser signed in to another eBay account overwrites nothing.
 * OAuth consent always asks for the full configured set of permissions, so an account missing newer ones gets them.
 */
export const startRecreateTokensAction = defineAccountAction(
  { schema, permission: "accounts:recreate", name: "startRecreateTokens" },
  async ({ input, user, workspace, account }) => {
    const config = getEbayConfig();
    if (account.environment !== config.mode) {
      throw new UserFacingError(
        `This account belongs to ${account.environment} eBay, but ChannelKeys is configured for ${config.label}.`,
        "wrong_environment",
      );
    }
    const holdsOAuth = account.refreshTokenExpiresAt !== null;
    const holdsAuthNAuth = account.authNAuthExpiresAt !== null;
    if (input.tokens === "authnauth" || (input.tokens === "both" && !holdsOAuth)) {
      if (!holdsAuthNAuth && holdsOAuth) throw new UserFacingError("This account has no Auth'n'Auth token to re-create.", "no_authnauth");
      const { signInUrl, cookie } = await startAuthNAuthSignIn(db, { workspaceId: workspace.id, userId: user.id, intent: "recreate", accountId: account.id });
      const { name, value, ...options } = cookie;
      (await cookies()).set(name, value, options);
      return { authorizeUrl: signInUrl };
    }
    const state = await createOAuthState(db, {
      workspaceId: workspace.id,
      userId: user.id,
      intent: "recreate",
      accountId: account.id,
      environment: config.mode,
      bothTokens: input.tokens === "both" && holdsAuthNAuth,
    });
    return { authorizeUrl: buildAuthorizeUrl({ state, prompt: "login" }, config) };
  },
);
