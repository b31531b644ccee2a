import "server-only";
import type { Db } from "@/lib/db";
import { now } from "@/lib/clock";
import { getUserRateLimits, type UserRateLimit } from "@/lib/ebay/developer-analytics";
import { ACCESS_TOKEN_REFRESH_MARGIN_MS } from "@/lib/tokens/check-token";

// eBay's daily call quotas, as far as we can see them. A check spends one Identity getUser and one Trading
// GetTokenStatus call (plus a refresh now and then, whose quota Developer Analytics does not report).
// Developer Analytics' user_rate_limit says what is left of those daily quotas; asking costs a call of its
// own (in a separate quota), so a run asks once when it starts and then at most every
// CHECK_RUN_QUOTA_CHECK_SECONDS. When what is left of either quota falls to the reserve the sellers' own
// integrations need, the run pauses until eBay's reset time instead of spending it. We do not try to
// predict or ration beyond that: eBay's numbers are per app and per day, other processes spend them too,
// and a 429 mid-run is handled by the run's backoff anyway.

/** Resources a check spends: the Trading API (GetTokenStatus) and Commerce Identity (getUser). */
function isSpentByChecks(limit: UserRateLimit): boolean {
  if (limit.apiContext === "tradingapi") return true;
  return limit.apiContext === "commerce" && limit.apiName.toLowerCase() === "identity";
}

export type QuotaReading =
  | { kind: "unknown" }
  | { kind: "ok"; remaining: number }
  /** Pause until `resumeAt` (eBay's reset; wall-clock time). */
  | { kind: "low"; remaining: number; resumeAt: Date };

/**
 * Reads the quota with the access token of one of the run's accounts (the endpoint needs a user token; the
 * numbers are the app's). Any failure reads as unknown: quota reading is advice, never a reason to stop.
 */
export async function readCheckQuota(client: Db, runId: string, reserve: number): Promise<QuotaReading> {
  const freshAfter = new Date(now().getTime() + ACCESS_TOKEN_REFRESH_MARGIN_MS);
  // Any of the run's accounts with an access token that is still good will do; no refresh just for this.
  const candidates = await client.checkRunItem.findMany({
    where: { runId },
    select: { accountId: true },
    orderBy: [{ status: "asc" }, { id: "asc" }],
    take: 50,
  });
  const account = await client.ebayAccount.findFirst({
    where: {
      id: { in: candidates.map((candidate) => candidate.accountId) },
      status: { notIn: ["disconnected", "needs_reauth"] },
      accessTokenExpiresAt: { gt: freshAfter },
    },
    select: { accessToken: true },
  });
  if (!account?.accessToken) return { kind: "unknown" };

  let limits: UserRateLimit[];
  try {
    limits = (await getUserRateLimits(account.accessToken)).filter(isSpentByChecks);
  } catch {
    return { kind: "unknown" };
  }
  if (limits.length === 0) return { kind: "unknown" };
  const tightest = limits.reduce((lowest, limit) => (limit.remaining < lowest.remaining ? limit : lowest));
  if (tightest.remaining > reserve) return { kind: "ok", remaining: tightest.remaining };
  // eBay's reset is on its clock (which our app clock mirrors); the pause itself runs on wall time.
  const waitMs = tightest.reset ? Math.max(0, tightest.reset.getTime() - now().getTime()) : 60 * 60 * 1000;
  return { kind: "low", remaining: tightest.remaining, resumeAt: new Date(Date.now() + waitMs) };
}
