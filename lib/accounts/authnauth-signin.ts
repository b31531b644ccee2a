import "server-only";
import type { Db } from "@/lib/db";
import { getEbayConfig } from "@/lib/ebay/config";
import { buildAuthNAuthSignInUrl, getSessionId } from "@/lib/ebay/trading";
import { createOAuthState } from "@/lib/accounts/oauth-state";
import { EbayApiError } from "@/lib/ebay/errors";
import { judgeTransientFailure } from "@/lib/tokens/verdict";
import { UserFacingError } from "@/lib/actions/user-facing-error";

// eBay's Auth'n'Auth sign-in sends the browser back with only the seller's username: no state of ours. So the
// single-use state rides in a cookie of this browser instead, scoped to the callback, HttpOnly and SameSite=Lax (a
// top-level redirect from eBay carries it; no other site's request does), and lives as long as the state (10 minutes).
export const AUTHNAUTH_STATE_COOKIE = "channelkeys_ebay_signin";
const COOKIE_PATH = "/api/ebay/callback";
const COOKIE_MAX_AGE_SECONDS = 10 * 60;

export type CookieSpec = { name: string; value: string; httpOnly: true; sameSite: "lax"; path: string; maxAge: number; secure: boolean };

function servedOverHttps(): boolean {
  return (process.env.NEXTAUTH_URL ?? "").startsWith("https://");
}

export function authNAuthStateCookie(state: string): CookieSpec {
  return { name: AUTHNAUTH_STATE_COOKIE, value: state, httpOnly: true, sameSite: "lax", path: COOKIE_PATH, maxAge: COOKIE_MAX_AGE_SECONDS, secure: servedOverHttps() };
}

/** The cookie as a Set-Cookie header value (route handlers answering with a bare Response). */
export function serializeCookie(cookie: CookieSpec): string {
  return [
    `${cookie.name}=${encodeURIComponent(cookie.value)}`,
    `Path=${cookie.path}`,
    `Max-Age=${cookie.maxAge}`,
    "HttpOnly",
    "SameSite=Lax",
    ...(cookie.secure ? ["Secure"] : []),
  ].join("; ");
}

export function clearedAuthNAuthStateCookie(): string {
  return serializeCookie({ ...authNAuthStateCookie(""), maxAge: 0 });
}

/**
 * Starts an Auth'n'Auth sign-in: GetSessionID for the RuName, a single-use state holding that SessionID (sealed like a
 * token), and eBay's sign-in URL. The caller sends the browser there with the state's cookie.
 */
export async function startAuthNAuthSignIn(
  client: Db,
  input: { workspaceId: string; userId: string; intent: "connect" | "recreate"; accountId?: string; bothTokens?: boolean },
): Promise<{ signInUrl: string; cookie: CookieSpec }> {
  const config = getEbayConfig();
  const sessionId = await getSessionIdOrExplain(config);
  const state = await createOAuthState(client, {
    workspaceId: input.workspaceId,
    userId: input.userId,
    intent: input.intent,
    ...(input.accountId ? { accountId: input.accountId } : {}),
    environment: config.mode,
    flow: "authnauth",
    authNAuthSessionId: sessionId,
    bothTokens: input.bothTokens ?? false,
  });
  return { signInUrl: buildAuthNAuthSignInUrl(sessionId, config), cookie: authNAuthStateCookie(state) };
}

/** eBay down, slow or over its call limit is the seller's to retry, not a failure of ours: say so plainly. */
async function getSessionIdOrExplain(config: ReturnType<typeof getEbayConfig>): Promise<string> {
  try {
    return await getSessionId(config);
  } catch (error) {
    const transient = error instanceof EbayApiError ? judgeTransientFailure(error) : null;
    if (transient) throw new UserFacingError(`${transient.message} The eBay sign-in could not be started; try again in a minute.`, "ebay_unavailable");
    throw error;
  }
}
