import "server-only";
import { databaseUrlOf, type Db } from "@/lib/db";
import { now } from "@/lib/clock";
import { withAdvisoryLock } from "@/lib/advisory-lock";
import type { RefreshedAccessToken } from "@/lib/ebay/oauth";
import { ACCESS_TOKEN_REFRESH_MARGIN_MS } from "@/lib/tokens/check-token";

// Cross-process single flight for access-token refreshes (the in-process half is lib/accounts/single-flight.ts):
// a PostgreSQL advisory lock per account. Whoever holds it looks whether someone refreshed meanwhile, asks eBay if
// not, and stores the new token before letting go; everyone else waits inside PostgreSQL for the lock and then finds
// the token stored. A process that dies mid-refresh loses the lock with its connection.

export type RefreshOnceInput = {
  accountId: string;
  /** The access token the caller read before deciding to refresh: a different, fresh one means someone else refreshed. */
  staleAccessToken: string | null;
  /** Asks eBay for a new access token (only called by the lock holder). */
  refresh: () => Promise<RefreshedAccessToken>;
  /**
   * Marks the grant the refresh token belongs to (set anew by every connect and re-create). The new
   * access token is stored only onto that same grant of a still-connected account, so a refresh that
   * finishes after a disconnect or a re-create cannot bring back or overwrite tokens.
   */
  refreshTokenExpiresAt: Date | null;
};

/**
 * Returns a fresh access token for the account, asking eBay at most once across every process sharing the
 * database. A failed refresh (eBay's answer) propagates to the holder only; a waiter whose holder failed
 * then holds the lock and asks eBay itself, since the failure may have been transient.
 */
export async function refreshOnce(client: Db, input: RefreshOnceInput): Promise<RefreshedAccessToken> {
  return withAdvisoryLock(databaseUrlOf(client), `refresh:${input.accountId}`, async () => {
    const refreshedMeanwhile = await freshStoredToken(client, input);
    if (refreshedMeanwhile) return refreshedMeanwhile;
    const result = await input.refresh();
    // Stored before the lock ends, so a waiter that gets it next finds it.
    const at = now();
    await client.ebayAccount.updateMany({
      where: { id: input.accountId, status: { not: "disconnected" }, refreshTokenExpiresAt: input.refreshTokenExpiresAt },
      data: {
        accessToken: result.accessToken,
        accessTokenExpiresAt: new Date(at.getTime() + result.expiresIn * 1000),
        lastRefreshedAt: at,
      },
    });
    return result;
  });
}

async function freshStoredToken(client: Db, input: RefreshOnceInput): Promise<RefreshedAccessToken | null> {
  const stored = await client.ebayAccount.findFirst({
    where: { id: input.accountId },
    select: { accessToken: true, accessTokenExpiresAt: true },
  });
  if (!stored?.accessToken || !stored.accessTokenExpiresAt || stored.accessToken === input.staleAccessToken) return null;
  const remainingMs = stored.accessTokenExpiresAt.getTime() - now().getTime();
  if (remainingMs <= ACCESS_TOKEN_REFRESH_MARGIN_MS) return null;
  return { accessToken: stored.accessToken, expiresIn: Math.floor(remainingMs / 1000) };
}
