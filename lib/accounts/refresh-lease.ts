import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db";
import { now } from "@/lib/clock";
import type { RefreshedAccessToken } from "@/lib/ebay/oauth";
import { ACCESS_TOKEN_REFRESH_MARGIN_MS } from "@/lib/tokens/check-token";

// Cross-process single flight for access-token refreshes (the in-process half is lib/accounts/single-flight.ts).
// The lease lives on the account row (refreshLeaseOwner / refreshLeaseUntil): whoever takes it asks eBay and
// stores the new access token before letting go; everyone else waits for the lease to end and re-reads the
// stored token. The lease measures process liveness, so it runs on wall time, not the (movable) app clock:
// a virtual-clock jump must not hand a live refresh to a second process.

/** Longer than an eBay call can take (EBAY_TIMEOUT_MS) so a live holder never loses it mid-call. */
const LEASE_MS = Number(process.env.REFRESH_LEASE_MS ?? 30_000);
const WAIT_POLL_MS = 100;

export type RefreshWithLeaseInput = {
  accountId: string;
  /** The access token the caller read before deciding to refresh: a different, fresh one means someone else refreshed. */
  staleAccessToken: string | null;
  /** Asks eBay for a new access token (only called by the lease holder). */
  refresh: () => Promise<RefreshedAccessToken>;
  /**
   * Marks the grant the refresh token belongs to (set anew by every connect and re-create). The new
   * access token is stored only onto that same grant of a still-connected account, so a refresh that
   * finishes after a disconnect or a re-create cannot bring back or overwrite tokens.
   */
  refreshTokenExpiresAt: Date | null;
};

function wallClock(): Date {
  return new Date();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Returns a fresh access token for the account, asking eBay at most once across every process sharing the
 * database. A failed refresh (eBay's answer) propagates to the holder only; a waiter whose holder failed
 * takes the lease and asks eBay itself, since the failure may have been transient.
 */
export async function refreshWithLease(client: Db, input: RefreshWithLeaseInput): Promise<RefreshedAccessToken> {
  const owner = randomUUID();
  for (;;) {
    const reused = await freshStoredToken(client, input);
    if (reused) return reused;

    const taken = await client.ebayAccount.updateMany({
      where: {
        id: input.accountId,
        OR: [{ refreshLeaseUntil: null }, { refreshLeaseUntil: { lt: wallClock() } }],
      },
      data: { refreshLeaseOwner: owner, refreshLeaseUntil: new Date(wallClock().getTime() + LEASE_MS) },
    });
    if (taken.count === 1) {
      try {
        // Someone may have refreshed between our read and our lease: look again before spending a call.
        const refreshedMeanwhile = await freshStoredToken(client, input);
        if (refreshedMeanwhile) return refreshedMeanwhile;
        const result = await input.refresh();
        // Stored before the lease ends, so a waiter that wakes up finds it.
        const at = now();
        await client.ebayAccount.updateMany({
          where: {
            id: input.accountId,
            status: { not: "disconnected" },
            refreshTokenExpiresAt: input.refreshTokenExpiresAt,
          },
          data: {
            accessToken: result.accessToken,
            accessTokenExpiresAt: new Date(at.getTime() + result.expiresIn * 1000),
            lastRefreshedAt: at,
          },
        });
        return result;
      } finally {
        await client.ebayAccount.updateMany({
          where: { id: input.accountId, refreshLeaseOwner: owner },
          data: { refreshLeaseOwner: null, refreshLeaseUntil: null },
        });
      }
    }
    await waitForLeaseToEnd(client, input.accountId);
  }
}

async function freshStoredToken(client: Db, input: RefreshWithLeaseInput): Promise<RefreshedAccessToken | null> {
  const stored = await client.ebayAccount.findFirst({
    where: { id: input.accountId },
    select: { accessToken: true, accessTokenExpiresAt: true },
  });
  if (!stored?.accessToken || !stored.accessTokenExpiresAt || stored.accessToken === input.staleAccessToken) return null;
  const remainingMs = stored.accessTokenExpiresAt.getTime() - now().getTime();
  if (remainingMs <= ACCESS_TOKEN_REFRESH_MARGIN_MS) return null;
  return { accessToken: stored.accessToken, expiresIn: Math.floor(remainingMs / 1000) };
}

async function waitForLeaseToEnd(client: Db, accountId: string): Promise<void> {
  for (;;) {
    await sleep(WAIT_POLL_MS);
    const row = await client.ebayAccount.findFirst({ where: { id: accountId }, select: { refreshLeaseUntil: true } });
    if (!row?.refreshLeaseUntil || row.refreshLeaseUntil.getTime() < wallClock().getTime()) return;
  }
}
