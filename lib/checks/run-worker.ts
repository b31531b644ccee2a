import "server-only";
import { randomUUID } from "node:crypto";
import { db as sharedDb, type Db } from "@/lib/db";
import { recordAuditEvent } from "@/lib/audit/record";
import { loadAccountForTest, testAccount, type AccountTestResult } from "@/lib/accounts/test-account";
import { logUnexpectedError } from "@/lib/actions/log-unexpected-error";
import { checkRunSettingsFromEnv, type CheckRunSettings } from "@/lib/checks/check-run-settings";
import { decideRetry } from "@/lib/checks/retry-policy";
import { readCheckQuota } from "@/lib/checks/quota-guard";
import { summarizeCheckRun } from "@/lib/checks/run-summary";
import { ACTIVE_RUN_STATUSES } from "@/lib/checks/check-runs";
import { onCheckRunNudge } from "@/lib/checks/worker-nudge";
import { Semaphore } from "@/lib/checks/semaphore";

// The bulk-check worker. Runs live in the database (CheckRun + CheckRunItem), so any server process can work
// on them and a restart loses nothing:
// - a worker claims a run with a lease (leaseOwner/leaseUntil) and renews it while working; a run whose lease
//   ran out (its worker died or stalled) is claimed again. The new owner leaves the old owner's "running" items
//   alone until their checks must be over (abandonedCheckMs), then checks them again (a check is idempotent,
//   and one the old owner finished is reused), so the two never ask eBay about one account at once;
// - a worker reads its run back every syncMs (one statement that also writes the run's progress counter) and
//   stops writing for it as soon as it is no longer the owner; in between, every claim checks the lease itself;
// - an item is claimed with one conditional UPDATE that holds only while this worker's lease is live, and that
//   refuses when a live run is checking the same account right now; such an item waits, and then reuses that
//   check's result, so two runs over the same accounts never double the eBay calls;
// - a run ends only when none of its items is pending or running, so no "running" item outlives its run;
// - leases, waits and backoff run on wall time: they are about processes and eBay's Retry-After, not about
//   token expiry, and a jump of the (virtual) app clock must not hand a live run to a second worker.

export type ProcessCheckRunsOptions = Partial<CheckRunSettings> & {
  /** Identifies this worker in leases (default: one id per process). */
  workerId?: string;
  /** Claim at most this many runs (default: every runnable run). */
  maxRuns?: number;
  /**
   * Tests: simulates the process dying. When aborted the worker stops at once: no further item or run is
   * written, the lease is left to expire, checks already talking to eBay finish but are not recorded on
   * their items.
   */
  crashSignal?: AbortSignal;
};

const PROCESS_WORKER_ID = `worker-${process.pid}-${randomUUID().slice(0, 8)}`;

/**
 * Runs this process is working on, per worker id: a poll must never start a second loop on one of them. (Only
 * tests run several worker ids in one process, to play several server processes.)
 */
const activeRuns = new Set<string>();
const activeRunKey = (workerId: string, runId: string) => `${workerId}:${runId}`;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function wallNow(): Date {
  return new Date();
}

/** Claims runnable runs (queued, or running with an expired lease) and works each to its end. For tests and scripts. */
export async function processCheckRunsOnce(client: Db, options: ProcessCheckRunsOptions = {}): Promise<{ runIds: string[] }> {
  const settings = { ...checkRunSettingsFromEnv(), ...stripUndefined(options) };
  const workerId = options.workerId ?? PROCESS_WORKER_ID;
  const slots = new Semaphore(settings.concurrency);
  const claimed = await claimRunnableRuns(client, workerId, settings, options.maxRuns ?? Number.MAX_SAFE_INTEGER);
  await Promise.all(claimed.map((runId) => workRun(client, runId, workerId, settings, slots, options.crashSignal)));
  return { runIds: claimed };
}

const globalForWorker = globalThis as typeof globalThis & { __channelkeysCheckRunWorker?: boolean };

/**
 * Starts this process's background worker (idempotent): polls for runnable runs every CHECK_RUN_POLL_MS
 * (at once when a run is created here) and works on several at a time, sharing one limit of
 * CHECK_RUN_CONCURRENCY checks in flight across them.
 */
export function startCheckRunWorker(): void {
  if (globalForWorker.__channelkeysCheckRunWorker) return;
  globalForWorker.__channelkeysCheckRunWorker = true;
  const settings = checkRunSettingsFromEnv();
  const slots = new Semaphore(settings.concurrency);
  let wake: (() => void) | null = null;
  onCheckRunNudge(() => wake?.());

  const loop = async () => {
    for (;;) {
      try {
        const claimed = await claimRunnableRuns(sharedDb, PROCESS_WORKER_ID, settings, Number.MAX_SAFE_INTEGER);
        for (const runId of claimed) {
          void workRun(sharedDb, runId, PROCESS_WORKER_ID, settings, slots).catch((error: unknown) => {
            logUnexpectedError("check run worker", error);
          });
        }
      } catch (error) {
        logUnexpectedError("check run worker poll", error);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, settings.pollMs);
        timer.unref?.();
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  };
  void loop();
}

async function claimRunnableRuns(client: Db, workerId: string, settings: CheckRunSettings, maxRuns: number): Promise<string[]> {
  const at = wallNow();
  const candidates = await client.checkRun.findMany({
    where: {
      status: { in: [...ACTIVE_RUN_STATUSES] },
      OR: [{ leaseUntil: null }, { leaseUntil: { lt: at } }],
    },
    select: { id: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 20,
  });
  const claimed: string[] = [];
  for (const candidate of candidates) {
    if (claimed.length >= maxRuns) break;
    if (activeRuns.has(activeRunKey(workerId, candidate.id))) continue;
    const taken = await client.checkRun.updateMany({
      where: {
        id: candidate.id,
        status: { in: [...ACTIVE_RUN_STATUSES] },
        OR: [{ leaseUntil: null }, { leaseUntil: { lt: at } }],
      },
      data: { leaseOwner: workerId, leaseUntil: new Date(at.getTime() + settings.leaseMs) },
    });
    if (taken.count === 1) claimed.push(candidate.id);
  }
  return claimed;
}

type RunContext = {
  client: Db;
  runId: string;
  workspaceId: string;
  createdAt: Date;
  actor: { userId: string | null; label: string };
  /** A seller's bulk check or the scheduler's daily re-check: carried into every TokenCheck row. */
  trigger: "bulk" | "scheduler";
  workerId: string;
  settings: CheckRunSettings;
  slots: Semaphore;
  crashSignal?: AbortSignal;
  /** Set when the lease is lost or the process "crashes": nothing more may be written for this run. */
  stopped: boolean;
  /**
   * Pending items read ahead of their claim, so the ready-items query runs once per batch instead of once per
   * item. Only this worker changes when this run's items are due, and it empties the queue whenever it does
   * (pause, cancel); the claim re-checks that an item is still pending.
   */
  readyQueue: ReadyItem[];
  /** Bumped whenever the queue is emptied, so a read that was under way then is not queued after it. */
  readyQueueEpoch: number;
  /** Items finished, and definite answers (each earns one slot back after a slowdown), not yet written to the run. */
  unsyncedDone: number;
  unsyncedSpeedUps: number;
  /** Read the run back on the next pass rather than after syncMs (a claim was refused, the run slowed down). */
  syncDue: boolean;
};

type ReadyItem = { id: string; accountId: string; accountName: string; attempts: number; ebayCalls: number };

/** Pending items fetched per ready-items query: a few passes' worth at full concurrency. */
const READY_BATCH_PER_SLOT = 4;

async function workRun(
  client: Db,
  runId: string,
  workerId: string,
  settings: CheckRunSettings,
  slots: Semaphore,
  crashSignal?: AbortSignal,
): Promise<void> {
  const key = activeRunKey(workerId, runId);
  if (activeRuns.has(key)) return;
  activeRuns.add(key);
  try {
    const run = await client.checkRun.findUniqueOrThrow({ where: { id: runId } });
    // Items still "running" belong to the previous owner of the lease, which may be slow rather than dead:
    // releaseAbandonedItems hands them back once their checks must be over, not now.
    if (run.status === "queued") {
      await client.checkRun.updateMany({
        where: { id: runId, leaseOwner: workerId, status: "queued" },
        data: { status: "running", startedAt: wallNow() },
      });
    }
    const context: RunContext = {
      client,
      runId,
      workspaceId: run.workspaceId,
      createdAt: run.createdAt,
      actor: { userId: run.createdById, label: run.createdByLabel },
      trigger: run.trigger === "scheduler" ? "scheduler" : "bulk",
      workerId,
      settings,
      slots,
      crashSignal,
      stopped: false,
      readyQueue: [],
      readyQueueEpoch: 0,
      unsyncedDone: 0,
      unsyncedSpeedUps: 0,
      syncDue: true,
    };
    await runLoop(context);
  } finally {
    activeRuns.delete(key);
  }
}

async function runLoop(context: RunContext): Promise<void> {
  const { client, runId, settings } = context;
  const inFlight = new Map<string, Promise<void>>();
  let leaseRenewedAt = Date.now();
  let quotaCheckedAt = Number.NEGATIVE_INFINITY;
  let syncedAt = Number.NEGATIVE_INFINITY;
  let runConcurrency = settings.concurrency;
  let cancelRequested = false;
  const syncEveryMs = Math.min(settings.syncMs, settings.pollMs);

  const stopIfCrashed = () => {
    if (context.crashSignal?.aborted) context.stopped = true;
    return context.stopped;
  };

  for (;;) {
    if (stopIfCrashed()) break;

    if (Date.now() - leaseRenewedAt >= settings.leaseMs / 3) {
      const renewed = await client.checkRun.updateMany({
        where: { id: runId, leaseOwner: context.workerId },
        data: { leaseUntil: new Date(Date.now() + settings.leaseMs) },
      });
      if (renewed.count === 0) {
        // Another worker took the run over (we were too slow to renew): stop writing for it.
        context.stopped = true;
        break;
      }
      leaseRenewedAt = Date.now();
    }

    if (context.syncDue || Date.now() - syncedAt >= syncEveryMs) {
      context.syncDue = false;
      const run = await syncRun(context);
      if (!run || run.leaseOwner !== context.workerId) {
        // Taken over (or ended) since the last renewal: not ours to write any more. Looking every syncMs, not
        // only at renewal, keeps a worker that lost its lease from working on for a third of a lease (and its
        // claims were refused in the meantime: the claim checks the lease).
        context.stopped = true;
        break;
      }
      syncedAt = Date.now();
      runConcurrency = run.concurrency;
      cancelRequested = run.cancelRequested;
    }

    let slotsLeftOpen = 0;
    if (cancelRequested) {
      emptyReadyQueue(context);
      await client.checkRunItem.updateMany({
        where: { runId, status: "pending" },
        data: { status: "cancelled", finishedAt: wallNow() },
      });
      if (inFlight.size === 0) {
        // A previous owner's abandoned item goes back to pending, to be cancelled on the next pass.
        await releaseAbandonedItems(context);
        if (await finishRun(context, "cancelled")) break;
      }
    } else {
      if (settings.quotaCheckSeconds >= 0 && Date.now() - quotaCheckedAt >= settings.quotaCheckSeconds * 1000) {
        quotaCheckedAt = Date.now();
        const reading = await readCheckQuota(client, runId, settings.quotaReserve);
        if (stopIfCrashed()) break;
        if (reading.kind === "low") await pausePendingItems(context, reading.resumeAt);
      }

      const free = Math.min(runConcurrency, settings.concurrency) - inFlight.size;
      let fetched = false;
      // At most `free` claims per pass: a refused claim leaves its slot open until the next pass, as before.
      for (let attempt = 0; attempt < free; attempt++) {
        if (stopIfCrashed()) break;
        if (context.readyQueue.length === 0 && !fetched) {
          fetched = true;
          const epoch = context.readyQueueEpoch;
          const ready = await client.checkRunItem.findMany({
            where: {
              runId,
              status: "pending",
              id: { notIn: [...inFlight.keys()] },
              OR: [{ notBefore: null }, { notBefore: { lte: wallNow() } }],
            },
            select: { id: true, accountId: true, accountName: true, attempts: true, ebayCalls: true },
            orderBy: [{ id: "asc" }],
            take: Math.max(free, settings.concurrency * READY_BATCH_PER_SLOT),
          });
          if (epoch === context.readyQueueEpoch) context.readyQueue = ready;
        }
        const item = context.readyQueue.shift();
        if (!item) {
          slotsLeftOpen += free - attempt;
          break;
        }
        const claimedAt = await claimItem(context, item.id, item.accountId);
        if (!claimedAt) {
          // Another run is checking this account right now: come back when its result is in. (Or this
          // worker's lease is gone: then the run is not ours, and the sync on the next pass stops.)
          // Never brings a later wait (a pause) forward.
          const retryAt = new Date(Date.now() + settings.busyRetryMs);
          await client.checkRunItem.updateMany({
            where: {
              id: item.id,
              status: "pending",
              run: { leaseOwner: context.workerId },
              OR: [{ notBefore: null }, { notBefore: { lt: retryAt } }],
            },
            data: { notBefore: retryAt },
          });
          context.syncDue = true;
          slotsLeftOpen++;
          continue;
        }
        const work = checkItem(context, { ...item, attempts: item.attempts + 1 }, claimedAt).finally(() =>
          inFlight.delete(item.id),
        );
        inFlight.set(item.id, work);
      }

      if (inFlight.size === 0) {
        const waiting = await client.checkRunItem.findFirst({
          where: { runId, status: "pending" },
          orderBy: [{ notBefore: "asc" }],
          select: { notBefore: true },
        });
        if (!waiting) {
          await releaseAbandonedItems(context);
          if (await finishRun(context, "completed")) break;
          // Not finished: a previous owner's item is still "running" (its check may still be at eBay), it went
          // back to pending just now, or the lease is gone (the next pass stops).
        }
      }
    }

    // Sleep until something finishes, the next waiting item is due, or it is time to renew the lease. With every
    // slot busy a finishing check is what wakes the loop, so when the next waiting item is due does not matter.
    let untilDue = settings.pollMs;
    if (slotsLeftOpen > 0 || inFlight.size === 0) {
      const nextDue = await client.checkRunItem.findFirst({
        where: { runId, status: "pending", notBefore: { gt: wallNow() } },
        orderBy: [{ notBefore: "asc" }],
        select: { notBefore: true },
      });
      if (nextDue?.notBefore) untilDue = nextDue.notBefore.getTime() - Date.now();
    }
    const untilRenewal = settings.leaseMs / 3 - (Date.now() - leaseRenewedAt);
    const nap = Math.max(10, Math.min(untilDue, untilRenewal, settings.pollMs));
    await Promise.race([sleep(nap), ...inFlight.values()]);
  }
  // A crash leaves in-flight checks to finish on their own (their results are not recorded on the items);
  // waiting for them here only keeps tests from tearing the database down under them.
  await Promise.allSettled(inFlight.values());
}

/**
 * One statement instead of a run read per pass, a counter write per item and a concurrency write per answer:
 * adds the items finished since the last sync to the run's done counter (the run view counts its items itself;
 * finishRun writes the exact figure), gives back the slots earned since (only while this worker owns the run),
 * and reads back who owns the run, whether a cancel was asked for and the concurrency now allowed.
 */
async function syncRun(context: RunContext): Promise<{ leaseOwner: string | null; cancelRequested: boolean; concurrency: number } | null> {
  const done = context.unsyncedDone;
  const speedUps = context.unsyncedSpeedUps;
  context.unsyncedDone = 0;
  context.unsyncedSpeedUps = 0;
  const ceiling = context.settings.concurrency;
  const rows = await context.client.$queryRaw<Array<{ leaseOwner: string | null; cancelRequestedAt: unknown; concurrency: number | bigint }>>`
    UPDATE "CheckRun" SET
      "done" = "done" + ${done},
      "concurrency" = CASE
        WHEN "leaseOwner" = ${context.workerId} AND "concurrency" < ${ceiling} THEN MIN(${ceiling}, "concurrency" + ${speedUps})
        ELSE "concurrency" END
    WHERE "id" = ${context.runId}
    RETURNING "leaseOwner", "cancelRequestedAt", "concurrency"`;
  const run = rows[0];
  if (!run) return null;
  return { leaseOwner: run.leaseOwner, cancelRequested: run.cancelRequestedAt !== null, concurrency: Number(run.concurrency) };
}

/**
 * One UPDATE (a compare-and-set) so that two workers (or two runs) can never both start checking one account:
 * the item becomes "running" only
 * - while it is still pending and due (an item read ahead may have been paused or cancelled since),
 * - while this worker holds the run's lease and the lease is live (a worker that lost it claims nothing) and no
 *   cancel was asked for (the loop learns of it at its next sync; no item starts in between), and
 * - if no live run is checking the account: a "running" item counts only in a run that is still going and whose
 *   lease is live. One left behind in an ended run, or in a run whose worker died, never blocks the account.
 * Returns the claim's timestamp, which every later write of this attempt must match (a worker that lost its
 * lease can then no longer write the item once the new owner checked it again).
 */
async function claimItem(context: RunContext, itemId: string, accountId: string): Promise<Date | null> {
  const at = wallNow();
  const claimed = await context.client.$executeRaw`
    UPDATE "CheckRunItem" SET "status" = 'running', "attempts" = "attempts" + 1, "startedAt" = ${at}
    WHERE "id" = ${itemId} AND "status" = 'pending' AND ("notBefore" IS NULL OR "notBefore" <= ${at})
      AND EXISTS (
        SELECT 1 FROM "CheckRun" AS own
        WHERE own."id" = "CheckRunItem"."runId" AND own."leaseOwner" = ${context.workerId} AND own."leaseUntil" > ${at}
          AND own."status" IN ('running', 'cancelling') AND own."cancelRequestedAt" IS NULL
      )
      AND NOT EXISTS (
        SELECT 1 FROM "CheckRun" AS live JOIN "CheckRunItem" AS other ON other."runId" = live."id"
        WHERE live."status" IN ('running', 'cancelling') AND live."leaseUntil" > ${at}
          AND other."accountId" = ${accountId} AND other."status" = 'running'
      )`;
  return claimed === 1 ? at : null;
}

/**
 * Hands this run's abandoned items back to pending: "running" items no check of this worker is working on,
 * claimed longer than abandonedCheckMs ago, so by a previous owner of the lease whose check is over by now
 * (its result, if it recorded one, is reused). Only while this worker owns the run.
 */
async function releaseAbandonedItems(context: RunContext): Promise<void> {
  await context.client.checkRunItem.updateMany({
    where: {
      runId: context.runId,
      status: "running",
      OR: [{ startedAt: null }, { startedAt: { lt: new Date(Date.now() - context.settings.abandonedCheckMs) } }],
      run: { leaseOwner: context.workerId },
    },
    data: { status: "pending" },
  });
}

type ClaimedItem = ReadyItem;

async function checkItem(context: RunContext, item: ClaimedItem, claimedAt: Date): Promise<void> {
  const { client, settings } = context;
  const release = await context.slots.acquire();
  let result: {
    status: string;
    cause: string | null;
    message: string;
    ebayCalls: number;
    retryAfterSeconds?: number;
    retryAfterFromEbay?: boolean;
  };
  try {
    if (context.stopped) return;
    const account = await loadAccountForTest(client, context.workspaceId, item.accountId);
    // Every check that judged the account's current grant stamps lastCheckedAt with its own createdAt, so one
    // checked last before this run began has no result made since to reuse, and the query is skipped. (A check
    // whose verdict was not applied, because the grant was re-created under it, judged a grant that is gone:
    // it is not worth reusing either.) A missing or disconnected row is looked up as before.
    const maybeCheckedSince = !account || account.lastCheckedAt === null || account.lastCheckedAt >= context.createdAt;
    const reused = maybeCheckedSince ? await reusableCheck(context, item.accountId) : null;
    if (reused) {
      result = reused;
    } else {
      try {
        const tested: AccountTestResult = await testAccount(client, {
          workspaceId: context.workspaceId,
          accountId: item.accountId,
          actor: context.actor,
          trigger: context.trigger,
          runId: context.runId,
          loadedAccount: account ?? undefined,
        });
        result = tested;
      } catch (error) {
        result = await failureWithoutVerdict(context, item, error);
      }
    }
  } finally {
    release();
  }
  if (context.stopped || context.crashSignal?.aborted) return;

  const thisAttempt = { id: item.id, status: "running", startedAt: claimedAt };
  const decision = result.status === "error" ? ({ kind: "final" } as const) : decideRetry(result, item.attempts, settings);
  if (decision.kind === "retry") {
    const resumeAt = new Date(Date.now() + decision.delayMs);
    await client.checkRunItem.updateMany({
      where: thisAttempt,
      data: {
        status: "pending",
        notBefore: resumeAt,
        verdict: result.status,
        cause: result.cause,
        message: result.message,
        ebayCalls: { increment: result.ebayCalls },
      },
    });
    if (decision.rateLimited) await slowDownRun(context, resumeAt);
    return;
  }

  const finished = await client.checkRunItem.updateMany({
    where: thisAttempt,
    data: {
      status: "done",
      verdict: result.status === "error" ? null : result.status,
      cause: result.cause,
      message: result.message,
      ebayCalls: { increment: result.ebayCalls },
      finishedAt: wallNow(),
    },
  });
  if (finished.count === 1) {
    // Written to the run by the next sync (syncRun).
    context.unsyncedDone++;
    if (result.status !== "ebay_unavailable") context.unsyncedSpeedUps++;
  }
}

/**
 * A check of this account that finished after this run was created (by another run, a manual Test, the
 * scheduler, or this run before its worker died) answers for this item: asking eBay again would only spend
 * calls. A transient "eBay unavailable" is not reused: that is exactly the answer worth asking again.
 */
async function reusableCheck(context: RunContext, accountId: string) {
  const check = await context.client.tokenCheck.findFirst({
    where: {
      accountId,
      workspaceId: context.workspaceId,
      createdAt: { gte: context.createdAt },
      verdict: { not: "ebay_unavailable" },
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  if (!check) return null;
  const ownCheck = check.runId === context.runId;
  return {
    status: check.verdict,
    cause: check.cause,
    message: ownCheck
      ? (check.message ?? "")
      : `${check.message ?? ""} (Result of a check made moments ago${check.trigger === "manual" ? " by a manual Test" : check.runId ? " by another run" : ""}; not asked again.)`,
    ebayCalls: ownCheck ? check.ebayCalls : 0,
  };
}

async function failureWithoutVerdict(context: RunContext, item: ClaimedItem, error: unknown) {
  const account = await context.client.ebayAccount.findFirst({
    where: { id: item.accountId, workspaceId: context.workspaceId },
    select: { status: true },
  });
  if (!account || account.status === "disconnected") {
    return { status: "error", cause: "disconnected", message: "Disconnected during the run: not checked.", ebayCalls: 0 };
  }
  const errorId = logUnexpectedError("check run item", error);
  return {
    status: "error",
    cause: "internal_error",
    message: `ChannelKeys could not finish this check (error id ${errorId}). Test the account again.`,
    ebayCalls: 0,
  };
}

/**
 * eBay said "too many requests": halve how many checks this run has in flight (at least one) and hold every
 * waiting item until eBay's Retry-After (or our backoff) has passed. Each definite answer after it adds one
 * back (syncRun), so a run recovers its pace gradually instead of hammering again.
 */
async function slowDownRun(context: RunContext, resumeAt: Date): Promise<void> {
  // Slots earned before the 429 are forfeited: the halving is of the pace that met it.
  context.unsyncedSpeedUps = 0;
  const run = await context.client.checkRun.findUniqueOrThrow({ where: { id: context.runId }, select: { concurrency: true } });
  await context.client.checkRun.updateMany({
    where: { id: context.runId, leaseOwner: context.workerId },
    data: { concurrency: Math.max(1, Math.floor(run.concurrency / 2)) },
  });
  // The loop picks the lower concurrency up on its next pass.
  context.syncDue = true;
  await pausePendingItems(context, resumeAt);
}

function emptyReadyQueue(context: RunContext): void {
  context.readyQueue = [];
  context.readyQueueEpoch++;
}

async function pausePendingItems(context: RunContext, resumeAt: Date): Promise<void> {
  // Items read ahead were due when read; now they are not.
  emptyReadyQueue(context);
  await context.client.checkRunItem.updateMany({
    where: { runId: context.runId, status: "pending", OR: [{ notBefore: null }, { notBefore: { lt: resumeAt } }] },
    data: { notBefore: resumeAt },
  });
}

/**
 * Ends the run, only while this worker owns it and none of its items is pending or running: a run never ends
 * with a check still out (which would leave a "running" item behind it). Returns whether it ended.
 */
async function finishRun(context: RunContext, status: "completed" | "cancelled"): Promise<boolean> {
  const { client, runId } = context;
  const ended = await client.checkRun.updateMany({
    where: { id: runId, leaseOwner: context.workerId, items: { none: { status: { in: ["pending", "running"] } } } },
    data: { status, finishedAt: wallNow(), leaseOwner: null, leaseUntil: null },
  });
  if (ended.count === 0) return false;
  const summary = summarizeCheckRun(
    await client.checkRunItem.findMany({ where: { runId }, select: { status: true, verdict: true, cause: true } }),
  );
  await client.checkRun.update({ where: { id: runId }, data: { done: summary.finished } });
  const parts = [
    `${summary.healthy} healthy`,
    `${summary.needsReauth} need re-authorization`,
    `${summary.ebayUnavailable} eBay unavailable`,
    ...(summary.notChecked > 0 ? [`${summary.notChecked} not checked`] : []),
    ...(summary.cancelled > 0 ? [`${summary.cancelled} cancelled`] : []),
  ];
  await recordAuditEvent(client, {
    workspaceId: context.workspaceId,
    actorUserId: context.actor.userId,
    actorLabel: context.actor.label,
    action: "check_run_finish",
    outcome: summary.needsReauth > 0 || summary.ebayUnavailable > 0 ? "failure" : "success",
    detail: `${status === "cancelled" ? "Cancelled" : "Finished"} after checking ${summary.finished} of ${summary.total}: ${parts.join(", ")}.`,
    runId,
  });
  return true;
}

function stripUndefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
