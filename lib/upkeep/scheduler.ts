// Background upkeep: on every tick each sweep tries to claim its lease and runs only if this process won it
// and the sweep has not run within the interval anywhere, so N server/worker processes behave like one.
//   checks   -> lib/upkeep/check-sweep.ts: daily re-checks, backoff for failing accounts (bulk check runs)
//   warnings -> lib/warnings/*: evaluate states without flapping (incl. expiry thresholds and recoveries),
//               then deliver by email and webhook
// Leases and intervals run on wall time: they are about processes, and a jump of the virtual app clock
// (end-to-end tests stand months ahead, then reset) must neither hand a running sweep to a second process
// nor park the schedule in the future. What the sweeps judge (expiry, hold times) uses lib/clock's now().
import os from "node:os";
import { randomUUID } from "node:crypto";
import { db as sharedDb, type Db } from "@/lib/db";
import { now as clockNow } from "@/lib/clock";
import { logUnexpectedError } from "@/lib/actions/log-unexpected-error";
import { claimLease, releaseLease } from "@/lib/upkeep/scheduler-lease";
import { sweepDueChecks, type CheckSweepReport } from "@/lib/upkeep/check-sweep";
import { upkeepConfigFromEnv, type UpkeepConfig, type UpkeepSweep } from "@/lib/upkeep/upkeep-config";
import { evaluateWarnings, type WarningEvaluation } from "@/lib/warnings/evaluate-warnings";
import { deliverPendingWarnings, type DeliveryReport } from "@/lib/warnings/deliver-warnings";

export type UpkeepOptions = {
  /** Who holds leases; one per scheduler instance (default: this process). */
  owner?: string;
  config?: UpkeepConfig;
  /** Wall clock for leases and intervals (tests drive it by hand). */
  wallNow?: Date;
  /** The app clock for judging accounts (default lib/clock now()). */
  now?: Date;
};

export type UpkeepReport = {
  /** Sweeps this call ran (it won their lease and they were due). */
  ran: UpkeepSweep[];
  checks?: CheckSweepReport;
  warnings?: WarningEvaluation & { delivery: DeliveryReport };
};

export const LEASE_NAMES: Record<UpkeepSweep, string> = { checks: "upkeep:checks", warnings: "upkeep:warnings" };

const PROCESS_OWNER = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export async function runUpkeepOnce(db: Db, options: UpkeepOptions = {}): Promise<UpkeepReport> {
  const config = options.config ?? upkeepConfigFromEnv();
  const owner = options.owner ?? PROCESS_OWNER;
  const report: UpkeepReport = { ran: [] };
  for (const sweep of ["checks", "warnings"] as const) {
    if (!config.sweeps.has(sweep)) continue;
    const wallNow = options.wallNow ?? new Date();
    const claimed = await claimLease(db, {
      name: LEASE_NAMES[sweep],
      owner,
      now: wallNow,
      intervalMs: config.intervalSeconds * 1000,
      leaseMs: config.leaseSeconds * 1000,
    });
    if (!claimed) continue;
    report.ran.push(sweep);
    const now = options.now ?? clockNow();
    try {
      if (sweep === "checks") {
        report.checks = await sweepDueChecks(db, { now, config });
      } else {
        const evaluation = await evaluateWarnings(db, { now, config: config.warnings });
        // Delivery can outlast the lease (slow endpoints): renew it before every warning and stop as soon
        // as another process holds it. Per-warning claims keep even that overlap from sending twice.
        const delivery = await deliverPendingWarnings(db, {
          now,
          config: config.warnings,
          owner,
          keepGoing: () =>
            renewLease(db, { name: LEASE_NAMES[sweep], owner, now: options.wallNow ?? new Date(), leaseMs: config.leaseSeconds * 1000 }),
        });
        report.warnings = { ...evaluation, delivery };
      }
    } finally {
      await releaseLease(db, { name: LEASE_NAMES[sweep], owner, now: options.wallNow ?? new Date() });
    }
  }
  return report;
}

/**
 * Extends a lease this owner still holds (compare-and-set on the owner); false once another process has
 * taken it over, so a sweep that ran past its lease stops instead of working alongside the new holder.
 */
export async function renewLease(db: Db, input: { name: string; owner: string; now: Date; leaseMs: number }): Promise<boolean> {
  const renewed = await db.schedulerLease.updateMany({
    where: { name: input.name, owner: input.owner },
    data: { leaseUntil: new Date(input.now.getTime() + input.leaseMs) },
  });
  return renewed.count === 1;
}

type RunningScheduler = { stop(): void };
const globalForScheduler = globalThis as typeof globalThis & { __channelkeysScheduler?: RunningScheduler };

/**
 * Starts this process's scheduler (idempotent; CHANNELKEYS_BACKGROUND=off disables it). Ticks every
 * UPKEEP_INTERVAL_SECONDS, one tick at a time; a failing tick is logged and the next one tries again.
 */
export function startScheduler(): void {
  if (process.env.CHANNELKEYS_BACKGROUND === "off") return;
  if (globalForScheduler.__channelkeysScheduler) return;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const tick = async () => {
    let intervalSeconds = 60;
    try {
      const config = upkeepConfigFromEnv();
      intervalSeconds = config.intervalSeconds;
      await runUpkeepOnce(sharedDb, { config });
    } catch (error) {
      logUnexpectedError("background upkeep", error);
    }
    if (!stopped) timer = setTimeout(tick, intervalSeconds * 1000);
  };
  // A short pause first: the server finishes starting (migrations, first requests) before upkeep adds load.
  timer = setTimeout(tick, 1000);
  globalForScheduler.__channelkeysScheduler = {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      globalForScheduler.__channelkeysScheduler = undefined;
    },
  };
}

export function stopScheduler(): void {
  globalForScheduler.__channelkeysScheduler?.stop();
}
