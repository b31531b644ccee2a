"use server";

import { z } from "zod";
import { cookies } from "next/headers";
import { db } from "@/lib/db";
import { defineWorkspaceAction } from "@/lib/actions/workspace-action";
import { startAuthNAuthSignIn } from "@/lib/accounts/authnauth-signin";

/**
 * Starts connecting a legacy Auth'n'Auth token: a SessionID from eBay, then eBay's sign-in page. eBay sends the browser
 * back with no state of ours, so the state is set as a cookie of this browser (HttpOnly, callback path only).
 */
export const startAuthNAuthConnectAction = defineWorkspaceAction(
  { schema: z.object({}).strict(), permission: "accounts:connect", name: "startAuthNAuthConnect" },
  async ({ user, workspace }) => {
    const { signInUrl, cookie } = await startAuthNAuthSignIn(db, { workspaceId: workspace.id, userId: user.id, intent: "connect" });
    const { name, value, ...options } = cookie;
    (await cookies()).set(name, value, options);
    return { authorizeUrl: signInUrl };
  },
);
