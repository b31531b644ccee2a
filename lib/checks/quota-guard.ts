import "server-only";
import type { Db } from "@/lib/db";
import { now } from "@/lib/clock";
import { getUserRateLimits, type UserRateLimit } from "@/lib/ebay/developer-analytics";
import { ACCESS_TOKEN_REFRESH_MARGIN_MS } from "@/lib/tokens/check-token";
import { checkRunSettingsFromEnv, type CheckRunSettings } from "@/lib/checks/check-run-settings";
import { addJob, type JobSpec } from "@/lib/jobs/add-job";
import { pauseEbayCalls } from "@/lib/jobs/ebay-pause";

// eBay's daily call quotas, as far as we can see them. A check spends one Identity getUser and one Trading
// GetTokenStatus call (plus a refresh now and then, whose quota Developer Analytics does not report).
// Developer Analytics' user_rate_limit says what is left of those daily quotas; asking costs a call of its
// own (in a separate quota), so it is asked when a run starts and then at most every CHECK_RUN_QUOTA_CHECK_SECONDS
// while runs go on, by one queue job at a time. When what is left of either quota falls to the reserve the sellers'
// own integrations need, every eBay job pauses until eBay's reset time instead of spending it (lib/jobs/ebay-pause.ts). We do not try to
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

const QUOTA_JOB_KEY = "read-ebay-quota";

/** The quota reader, queued when a run starts unless one is queued already. */
export function readEbayQuotaJob(runAt?: Date): JobSpec {
  return { task: "read-ebay-quota", payload: {}, jobKey: QUOTA_JOB_KEY, jobKeyMode: runAt ? "replace" : "unsafe_dedupe", runAt };
}

/** The read-ebay-quota job: reads the quota while a run is open, pauses eBay jobs when it is low, and comes back. */
export async function runReadEbayQuotaJob(db: Db, settings: CheckRunSettings = checkRunSettingsFromEnv()): Promise<void> {
  const openRun = await db.checkRun.findFirst({
    where: { status: { in: ["queued", "running"] } },
    orderBy: { createdAt: "asc" },
    select: { id: true },
  });
  if (!openRun) return;
  const reading = await readCheckQuota(db, openRun.id, settings.quotaReserve);
  if (reading.kind === "low") {
    await pauseEbayCalls(db, reading.resumeAt, `eBay's daily call quota is nearly spent (${reading.remaining} calls left)`);
  }
  await addJob(db, readEbayQuotaJob(new Date(Date.now() + Math.max(1, settings.quotaCheckSeconds) * 1000)));
}

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
