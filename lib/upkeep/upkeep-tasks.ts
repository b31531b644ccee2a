// The upkeep sweeps as queue jobs, scheduled by the queue's cron (lib/upkeep/upkeep-crontab.ts):
//   upkeep-checks   -> lib/upkeep/check-sweep.ts: daily re-checks and backoff for failing accounts, as bulk runs
//   upkeep-warnings -> lib/warnings/evaluate-warnings.ts: warnings whose hold ran out with time, expiry thresholds,
//                      recoveries (a check that changes a state also queues its workspace's evaluation at once)
// What the sweeps judge (expiry, hold times) uses lib/clock's now(), so tests that move the clock move them too.
import type { Db } from "@/lib/db";
import { now as clockNow } from "@/lib/clock";
import { sweepDueChecks } from "@/lib/upkeep/check-sweep";
import { upkeepConfigFromEnv } from "@/lib/upkeep/upkeep-config";
import { evaluateWarnings } from "@/lib/warnings/evaluate-warnings";

export async function runUpkeepChecksJob(db: Db): Promise<void> {
  await sweepDueChecks(db, { now: clockNow(), config: upkeepConfigFromEnv() });
}

export async function runUpkeepWarningsJob(db: Db): Promise<void> {
  await evaluateWarnings(db, { now: clockNow(), config: upkeepConfigFromEnv().warnings });
}
