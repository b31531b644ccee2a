import "server-only";
import type { Db } from "@/lib/db";
import { now } from "@/lib/clock";
import { getRateLimits, type RateLimit } from "@/lib/ebay/developer-analytics";
import { checkRunSettingsFromEnv, type CheckRunSettings } from "@/lib/checks/check-run-settings";
import { addJob, type JobSpec } from "@/lib/jobs/add-job";
import { pauseEbayCalls } from "@/lib/jobs/ebay-pause";

// eBay's daily call quotas belong to the application: every workspace and seller spends the same ones. A check
// spends one Identity getUser and one Trading GetTokenStatus call (an Auth'n'Auth token one more GetTokenStatus, and a
// refresh now and then the token endpoint's refresh_token quota). Developer Analytics' getRateLimits, read with the
// application token, says what is left of each; asking costs a call of its own (in a separate quota), so it is asked
// when a run starts and then at most every CHECK_RUN_QUOTA_CHECK_SECONDS while runs go on, by one queue job at a time,
// and by the scheduler's sweep before it starts checks (lib/upkeep/check-sweep.ts). When what is left of any of them
// falls to the reserve the sellers' own integrations need, every eBay job pauses until eBay's reset time instead of
// spending it (lib/jobs/ebay-pause.ts). We do not try to predict or ration beyond that: other processes spend the
// quotas too, and a 429 mid-run is handled by the run's backoff anyway.

/** Quotas a check spends: the Trading API, Commerce Identity, and the token endpoint's refresh grants. */
function isSpentByChecks(limit: RateLimit): boolean {
  if (limit.apiContext.toLowerCase() === "tradingapi") return true;
  if (limit.apiContext === "commerce" && limit.apiName.toLowerCase() === "identity") return true;
  return limit.apiContext === "identity" && limit.apiName.toLowerCase() === "oauth2" && limit.resource === "refresh_token";
}

export type QuotaReading =
  | { kind: "unknown" }
  | { kind: "ok"; remaining: number }
  /** Pause until `resumeAt` (eBay's reset; wall-clock time). */
  | { kind: "low"; remaining: number; resumeAt: Date; resource: string };

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
  await guardEbayQuota(db, settings.quotaReserve);
  await addJob(db, readEbayQuotaJob(new Date(Date.now() + Math.max(1, settings.quotaCheckSeconds) * 1000)));
}

/** Reads the application's quota and, when it is low, pauses every eBay job until eBay's reset. */
export async function guardEbayQuota(db: Db, reserve: number): Promise<QuotaReading> {
  const reading = await readApplicationQuota(reserve);
  if (reading.kind === "low") {
    await pauseEbayCalls(db, reading.resumeAt, `eBay's daily call quota (${reading.resource}) is nearly spent: ${reading.remaining} calls left`);
  }
  return reading;
}

/**
 * What is left of the quotas checks spend, read with the application token (no seller's token is needed, and none is
 * refreshed for it). Any failure reads as unknown: quota reading is advice, never a reason to stop.
 */
export async function readApplicationQuota(reserve: number): Promise<QuotaReading> {
  let limits: RateLimit[];
  try {
    limits = (await getRateLimits()).filter(isSpentByChecks);
  } catch {
    return { kind: "unknown" };
  }
  if (limits.length === 0) return { kind: "unknown" };
  const tightest = limits.reduce((lowest, limit) => (limit.remaining < lowest.remaining ? limit : lowest));
  if (tightest.remaining > reserve) return { kind: "ok", remaining: tightest.remaining };
  // eBay's reset is on its clock (which our app clock mirrors); the pause itself runs on wall time.
  const waitMs = tightest.reset ? Math.max(0, tightest.reset.getTime() - now().getTime()) : 60 * 60 * 1000;
  return { kind: "low", remaining: tightest.remaining, resumeAt: new Date(Date.now() + waitMs), resource: tightest.resource };
}
