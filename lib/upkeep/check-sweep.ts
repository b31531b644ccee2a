// Keeps every connected account checked: at least once per UPKEEP_CHECK_EVERY_SECONDS (a day) when it is
// fine, and with exponential backoff while it keeps failing, so a dead or unreachable account is not
// hammered. The schedule is derived, not remembered: nextCheckAt = lastCheckedAt + period(failureStreak),
// recomputed every sweep, so a manual Test, a bulk run or a re-create moves it without any bookkeeping and
// a restart loses nothing. Due accounts are checked through a persisted bulk check run per workspace
// (lib/checks), which brings bounded concurrency, 429 backoff, single-flight refreshes and restart safety.
//
// Access tokens: refreshed on demand only, never ahead of time for an idle account. eBay advises refreshing
// when a call needs it; a daily check finds the 2-hour access token expired and refreshes it once as part
// of that check (which is itself the proof that the refresh token still works). An integration that needs
// a token refreshes it the same way, through the account's single-flight refresh.
import type { Db } from "@/lib/db";
import { createCheckRun, ACTIVE_RUN_STATUSES } from "@/lib/checks/check-runs";
import { UserFacingError } from "@/lib/actions/user-facing-error";
import { guardEbayQuota } from "@/lib/checks/quota-guard";
import { checkRunSettingsFromEnv } from "@/lib/checks/check-run-settings";
import { currentEbayPause } from "@/lib/jobs/ebay-pause";
import type { UpkeepConfig } from "@/lib/upkeep/upkeep-config";

export const SCHEDULER_ACTOR = { userId: null, label: "Scheduler" } as const;

export type CheckSweepReport = {
  due: number;
  scheduled: number;
  runIds: string[];
  /** Accounts whose nextCheckAt was (re)computed this sweep. */
  rescheduled: number;
  /** Set when due checks were held back because eBay's application quota is paused or nearly spent. */
  pausedUntil?: Date;
};

// When this process last found the application's quota healthy: the sweep runs every minute, and reading the quota
// costs a call of its own, so a healthy reading stands for CHECK_RUN_QUOTA_CHECK_SECONDS.
let quotaHealthyAtMs = 0;

/** Seconds until the next check: the daily period when healthy, else base·2^(streak-1) capped. */
export function checkPeriodSeconds(failureStreak: number, config: Pick<UpkeepConfig, "checkEverySeconds" | "retryBaseSeconds" | "retryMaxSeconds">): number {
  if (failureStreak <= 0) return config.checkEverySeconds;
  const backoff = config.retryBaseSeconds * 2 ** Math.min(failureStreak - 1, 30);
  return Math.min(backoff, config.retryMaxSeconds, config.checkEverySeconds);
}

export async function sweepDueChecks(db: Db, input: { now: Date; config: UpkeepConfig }): Promise<CheckSweepReport> {
  const { now, config } = input;
  const [accounts, inFlight] = await Promise.all([
    db.ebayAccount.findMany({
      where: { status: { not: "disconnected" } },
      select: { id: true, workspaceId: true, lastCheckedAt: true, failureStreak: true, nextCheckAt: true },
    }),
    db.checkRunItem.findMany({
      where: { status: { in: ["pending", "running"] }, run: { status: { in: [...ACTIVE_RUN_STATUSES] } } },
      select: { accountId: true },
    }),
  ]);
  const busy = new Set(inFlight.map((item) => item.accountId));
  const report: CheckSweepReport = { due: 0, scheduled: 0, runIds: [], rescheduled: 0 };
  const due: Array<{ id: string; workspaceId: string; nextCheckAt: Date }> = [];

  for (const account of accounts) {
    if (busy.has(account.id)) continue;
    // Never checked (connected just now, or before upkeep existed): due at once.
    const planned = account.lastCheckedAt
      ? new Date(account.lastCheckedAt.getTime() + checkPeriodSeconds(account.failureStreak, config) * 1000)
      : now;
    if (account.nextCheckAt?.getTime() !== planned.getTime()) {
      await db.ebayAccount.updateMany({ where: { id: account.id }, data: { nextCheckAt: planned } });
      report.rescheduled += 1;
    }
    if (planned.getTime() <= now.getTime()) due.push({ id: account.id, workspaceId: account.workspaceId, nextCheckAt: planned });
  }
  report.due = due.length;

  // Most overdue first; whatever exceeds this tick's budget waits for the next tick.
  due.sort((a, b) => a.nextCheckAt.getTime() - b.nextCheckAt.getTime());
  const batch = due.slice(0, config.maxChecksPerTick);
  if (batch.length > 0) {
    // eBay's quotas are the application's, shared with every workspace and with the sellers' own integrations: the
    // scheduler starts nothing while they are paused or nearly spent (the accounts stay due for a later tick).
    const pause = await currentEbayPause(db);
    if (pause) return { ...report, pausedUntil: pause.until };
    const settings = checkRunSettingsFromEnv();
    if (Date.now() - quotaHealthyAtMs >= settings.quotaCheckSeconds * 1000) {
      const reading = await guardEbayQuota(db, settings.quotaReserve);
      if (reading.kind === "low") return { ...report, pausedUntil: reading.resumeAt };
      if (reading.kind === "ok") quotaHealthyAtMs = Date.now();
    }
  }
  const byWorkspace = new Map<string, string[]>();
  for (const account of batch) byWorkspace.set(account.workspaceId, [...(byWorkspace.get(account.workspaceId) ?? []), account.id]);

  for (const [workspaceId, accountIds] of byWorkspace) {
    try {
      const { runId } = await createCheckRun(db, {
        workspaceId,
        actor: SCHEDULER_ACTOR,
        accountIds,
        trigger: "scheduler",
        filterLabel: "Scheduled upkeep",
      });
      report.runIds.push(runId);
      report.scheduled += accountIds.length;
    } catch (error) {
      // An account disconnected since it was read: this workspace waits for the next tick, the others go on.
      if (!(error instanceof UserFacingError)) throw error;
    }
  }
  return report;
}
