import "server-only";
import { z } from "zod";
import { databaseUrlOf, type Db } from "@/lib/db";
import { isDatabaseUnavailable } from "@/lib/db-errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { withAdvisoryLock, AdvisoryLockTimeoutError } from "@/lib/advisory-lock";
import { loadAccountForTest, testAccount } from "@/lib/accounts/test-account";
import { logUnexpectedError } from "@/lib/actions/log-unexpected-error";
import { checkRunSettingsFromEnv, type CheckRunSettings } from "@/lib/checks/check-run-settings";
import { decideRetry } from "@/lib/checks/retry-policy";
import { finishCheckRunIfDone } from "@/lib/checks/finish-check-run";
import { CHECK_RUN_PROGRESS_CHANNEL } from "@/lib/checks/run-progress-channel";
import { checkRunItemJob } from "@/lib/checks/check-run-jobs";
import { addJob } from "@/lib/jobs/add-job";
import { pauseEbayCalls } from "@/lib/jobs/ebay-pause";
import { RetryLater } from "@/lib/jobs/retry-later";

// One account of a bulk run, as one job on the queue. The queue gives each job to one worker at a time and hands a
// dead worker's job to another (lib/jobs/crashed-workers.ts); what this adds:
// - one check of an account at a time across runs and processes: a PostgreSQL advisory lock per account, so a second
//   run over the same accounts waits for the first one's check and then reuses it instead of asking eBay again;
// - every write is conditional on the item still being this attempt's (status and attempt number), so a job that
//   was handed to another worker cannot overwrite what that worker recorded;
// - a transient eBay answer puts the item back to pending and adds its next job in the same transaction, so an item
//   is never pending without a job; a rate limit pauses every eBay job of every process (lib/jobs/ebay-pause.ts).

const payloadSchema = z.object({ itemId: z.string().min(1) });

type ClaimedItem = {
  id: string;
  runId: string;
  workspaceId: string;
  accountId: string;
  attempts: number;
  runCreatedAt: Date;
  createdById: string | null;
  createdByLabel: string;
  trigger: string;
};

type ItemResult = {
  status: string;
  cause: string | null;
  message: string;
  ebayCalls: number;
  retryAfterSeconds?: number;
  retryAfterFromEbay?: boolean;
};

export async function runCheckRunItemJob(db: Db, rawPayload: unknown, settings: CheckRunSettings = checkRunSettingsFromEnv()): Promise<void> {
  const { itemId } = payloadSchema.parse(rawPayload);
  const claim = await claimItem(db, itemId);
  if (claim.kind === "missing") return;
  if (claim.kind === "not-claimable") {
    // Done, cancelled, or its run is being cancelled: nothing to check, but the run may be ready to end (a worker
    // that died after recording the item's result but before this step comes back here).
    await finishCheckRunIfDone(db, claim.runId);
    return;
  }
  const item = claim.item;

  let result: ItemResult;
  try {
    result = await withAdvisoryLock(databaseUrlOf(db), `check:${item.accountId}`, () => checkOrReuse(db, item), {
      waitMs: settings.accountLockWaitMs,
    });
  } catch (error) {
    if (error instanceof AdvisoryLockTimeoutError) throw new RetryLater("another check of this account took too long");
    // The database went away mid-check: the queue retries the job once it is back (the item stays this attempt's).
    if (isDatabaseUnavailable(error)) throw error;
    result = await failureWithoutVerdict(db, item, error);
  }

  const thisAttempt = Prisma.sql`"id" = ${item.id} AND "status" = 'running' AND "attempts" = ${item.attempts}`;
  const decision = result.status === "error" ? ({ kind: "final" } as const) : decideRetry(result, item.attempts, settings);
  if (decision.kind === "retry") {
    const resumeAt = new Date(Date.now() + decision.delayMs);
    await db.$transaction(async (transaction) => {
      const requeued = await transaction.$executeRaw(Prisma.sql`
        UPDATE "CheckRunItem" SET "status" = 'pending', "notBefore" = ${resumeAt}, "verdict" = ${result.status},
          "cause" = ${result.cause}, "message" = ${result.message}, "ebayCalls" = "ebayCalls" + ${result.ebayCalls}
        WHERE ${thisAttempt}`);
      if (requeued === 1) await addJob(transaction, checkRunItemJob(item.id, resumeAt));
    });
    if (decision.rateLimited) await pauseEbayCalls(db, resumeAt, "eBay answered 429 Too Many Requests");
    return;
  }

  // One statement (one round trip, atomic on its own): the item's result, and a notification that wakes the pages
  // watching this run (lib/checks/run-progress-events.ts), sent only if this attempt's write happened and delivered
  // when it commits.
  await db.$executeRaw(Prisma.sql`
    WITH done AS (
      UPDATE "CheckRunItem" SET "status" = 'done', "verdict" = ${result.status === "error" ? null : result.status},
        "cause" = ${result.cause}, "message" = ${result.message}, "ebayCalls" = "ebayCalls" + ${result.ebayCalls},
        "finishedAt" = ${new Date()}
      WHERE ${thisAttempt}
      RETURNING "runId"
    )
    SELECT pg_notify(${CHECK_RUN_PROGRESS_CHANNEL}, "runId") FROM done`);
  await finishCheckRunIfDone(db, item.runId);
}

type Claim = { kind: "missing" } | { kind: "not-claimable"; runId: string } | { kind: "claimed"; item: ClaimedItem };

/**
 * Marks the item running for this attempt (a "running" item is a previous attempt whose worker died: the queue only
 * gives a job to one worker at a time, so taking it over is safe), and the run running if this is its first item.
 */
async function claimItem(db: Db, itemId: string): Promise<Claim> {
  const at = new Date();
  const rows = await db.$queryRaw<
    Array<{
      runId: string;
      workspaceId: string;
      accountId: string;
      claimedAttempts: number | null;
      runCreatedAt: Date;
      createdById: string | null;
      createdByLabel: string;
      trigger: string;
    }>
  >(Prisma.sql`
    WITH target AS (
      SELECT i."id", i."runId", i."accountId", i."status" AS "itemStatus", r."status" AS "runStatus"
      FROM "CheckRunItem" i JOIN "CheckRun" r ON r."id" = i."runId"
      WHERE i."id" = ${itemId}
    ), claimed AS (
      UPDATE "CheckRunItem" i SET "status" = 'running', "attempts" = i."attempts" + 1, "startedAt" = ${at}
      FROM target
      WHERE i."id" = target."id" AND target."itemStatus" IN ('pending', 'running') AND target."runStatus" IN ('queued', 'running')
      RETURNING i."attempts"
    ), started AS (
      UPDATE "CheckRun" r SET "status" = 'running', "startedAt" = ${at}
      FROM target
      WHERE r."id" = target."runId" AND r."status" = 'queued' AND EXISTS (SELECT 1 FROM claimed)
    )
    SELECT target."runId", r."workspaceId", target."accountId", (SELECT "attempts" FROM claimed) AS "claimedAttempts",
      r."createdAt" AS "runCreatedAt", r."createdById", r."createdByLabel", r."trigger"
    FROM target JOIN "CheckRun" r ON r."id" = target."runId"`);
  const row = rows[0];
  if (!row) return { kind: "missing" };
  if (row.claimedAttempts === null) {
    // Pending items of a run being cancelled are cancelled here too (the cancel removed their jobs, but this one
    // had already started).
    await db.checkRunItem.updateMany({
      where: { id: itemId, status: "pending", run: { status: { in: ["cancelling", "cancelled"] } } },
      data: { status: "cancelled", finishedAt: at },
    });
    return { kind: "not-claimable", runId: row.runId };
  }
  return {
    kind: "claimed",
    item: {
      id: itemId,
      runId: row.runId,
      workspaceId: row.workspaceId,
      accountId: row.accountId,
      attempts: Number(row.claimedAttempts),
      runCreatedAt: row.runCreatedAt,
      createdById: row.createdById,
      createdByLabel: row.createdByLabel,
      trigger: row.trigger,
    },
  };
}

/** Under the account's lock: a check made since the run began answers for this item; otherwise ask eBay. */
async function checkOrReuse(db: Db, item: ClaimedItem): Promise<ItemResult> {
  const account = await loadAccountForTest(db, item.workspaceId, item.accountId);
  // Every check that judged the account's current grant stamps lastCheckedAt with its own createdAt, so one
  // checked last before this run began has no result made since to reuse, and the query is skipped. A missing or
  // disconnected row is looked up as before.
  const maybeCheckedSince = !account || account.lastCheckedAt === null || account.lastCheckedAt >= item.runCreatedAt;
  const reused = maybeCheckedSince ? await reusableCheck(db, item) : null;
  if (reused) return reused;
  return testAccount(db, {
    workspaceId: item.workspaceId,
    accountId: item.accountId,
    actor: { userId: item.createdById, label: item.createdByLabel },
    trigger: item.trigger === "scheduler" ? "scheduler" : "bulk",
    runId: item.runId,
    loadedAccount: account ?? undefined,
  });
}

/**
 * A check of this account that finished after this run was created (by another run, a manual Test, the scheduler,
 * or this run before its worker died) answers for this item: asking eBay again would only spend calls. A transient
 * "eBay unavailable" is not reused: that is exactly the answer worth asking again.
 */
async function reusableCheck(db: Db, item: ClaimedItem): Promise<ItemResult | null> {
  const check = await db.tokenCheck.findFirst({
    where: {
      accountId: item.accountId,
      workspaceId: item.workspaceId,
      createdAt: { gte: item.runCreatedAt },
      verdict: { not: "ebay_unavailable" },
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  if (!check) return null;
  const ownCheck = check.runId === item.runId;
  return {
    status: check.verdict,
    cause: check.cause,
    message: ownCheck
      ? (check.message ?? "")
      : `${check.message ?? ""} (Result of a check made moments ago${check.trigger === "manual" ? " by a manual Test" : check.runId ? " by another run" : ""}; not asked again.)`,
    ebayCalls: ownCheck ? check.ebayCalls : 0,
  };
}

async function failureWithoutVerdict(db: Db, item: ClaimedItem, error: unknown): Promise<ItemResult> {
  const account = await db.ebayAccount.findFirst({
    where: { id: item.accountId, workspaceId: item.workspaceId },
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
