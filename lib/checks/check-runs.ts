import { now } from "@/lib/clock";
import "server-only";
import type { Db } from "@/lib/db";
import { recordAuditEvent } from "@/lib/audit/record";
import { accountDisplayName } from "@/lib/accounts/account-name";
import { UserFacingError } from "@/lib/actions/user-facing-error";
import { Prisma } from "@/lib/generated/prisma/client";
import { summarizeCheckRun, type CheckRunSummary } from "@/lib/checks/run-summary";
import { CHECK_RUN_ITEM_MAX_ATTEMPTS } from "@/lib/checks/check-run-jobs";
import { finishCheckRunIfDone } from "@/lib/checks/finish-check-run";
import { addJob } from "@/lib/jobs/add-job";
import { currentEbayPause } from "@/lib/jobs/ebay-pause";
import { EBAY_FLAG } from "@/lib/jobs/task-names";
import { readEbayQuotaJob } from "@/lib/checks/quota-guard";

export type CheckRunActor = { userId: string | null; label: string };

export type CreateCheckRunInput = {
  workspaceId: string;
  actor: CheckRunActor;
  accountIds: string[];
  trigger: "manual" | "scheduler";
  /** What the seller chose, shown on the run page: "Selected accounts", "All accounts", "Needs re-authorization". */
  filterLabel?: string;
};

/**
 * Most accounts one run takes: "Check all" must cover the largest fleet we serve (the benchmark's is 10,000 accounts),
 * while one request still cannot flood the queue.
 */
export const MAX_ACCOUNTS_PER_RUN = 25_000;

export const ACTIVE_RUN_STATUSES = ["queued", "running", "cancelling"] as const;

/**
 * Persists a run, one pending item per account and one queue job per item, in one transaction, then returns: the
 * job workers of every process do the checking.
 * Refuses (UserFacingError) ids that are not this workspace's connected accounts, so a run can never
 * touch another tenant's account.
 */
export async function createCheckRun(client: Db, input: CreateCheckRunInput): Promise<{ runId: string }> {
  const accountIds = [...new Set(input.accountIds)];
  if (accountIds.length === 0) throw new UserFacingError("Choose at least one account to check.", "empty");
  if (accountIds.length > MAX_ACCOUNTS_PER_RUN) {
    throw new UserFacingError(`A run checks at most ${MAX_ACCOUNTS_PER_RUN} accounts.`, "too_many");
  }
  const accounts = await client.ebayAccount.findMany({
    where: { id: { in: accountIds }, workspaceId: input.workspaceId },
    select: { id: true, nickname: true, ebayUsername: true, ebayUserId: true, status: true },
  });
  if (accounts.length !== accountIds.length) {
    throw new UserFacingError("Some of those accounts are not in this workspace. Reload the page and try again.", "not_found");
  }
  const disconnected = accounts.filter((account) => account.status === "disconnected");
  if (disconnected.length > 0) {
    throw new UserFacingError(
      `${disconnected.map(accountDisplayName).join(", ")} ${disconnected.length === 1 ? "is" : "are"} disconnected and cannot be checked.`,
      "disconnected",
    );
  }
  // Items in the order the seller saw them (the ids' order), so results fill in top to bottom.
  const byId = new Map(accounts.map((account) => [account.id, account]));
  const ordered = accountIds.map((id) => byId.get(id)!);

  const run = await client.$transaction(async (transaction) => {
    const created = await transaction.checkRun.create({
      data: {
        workspaceId: input.workspaceId,
        createdById: input.actor.userId,
        createdByLabel: input.actor.label,
        trigger: input.trigger,
        filterLabel: input.filterLabel ?? null,
        total: ordered.length,
        // Product clock, like TokenCheck.createdAt: "checked after this run was created" compares the two.
        createdAt: now(),
      },
    });
    await transaction.checkRunItem.createMany({
      data: ordered.map((account) => ({
        runId: created.id,
        workspaceId: input.workspaceId,
        accountId: account.id,
        accountName: accountDisplayName(account),
      })),
    });
    // One job per item, queued with the run in this transaction: a run never exists without its jobs.
    await transaction.$executeRaw(Prisma.sql`
      SELECT graphile_worker.add_jobs(ARRAY(
        SELECT ROW('check-run-item', json_build_object('itemId', "id"), NULL, NULL, ${CHECK_RUN_ITEM_MAX_ATTEMPTS}::int,
                   'check-run-item:' || "id", NULL, ARRAY[${EBAY_FLAG}::text])::graphile_worker.job_spec
        FROM "CheckRunItem" WHERE "runId" = ${created.id} ORDER BY "id"))`);
    // While runs go on, eBay's quota is watched (one job at a time, whoever starts it).
    await addJob(transaction, readEbayQuotaJob());
    await recordAuditEvent(transaction, {
      workspaceId: input.workspaceId,
      actorUserId: input.actor.userId,
      actorLabel: input.actor.label,
      action: "check_run_start",
      outcome: "info",
      detail: `Started a check of ${ordered.length} account${ordered.length === 1 ? "" : "s"}${input.filterLabel ? ` (${input.filterLabel})` : ""}.`,
      runId: created.id,
    });
    return created;
  });
  return { runId: run.id };
}

/**
 * Asks a run to stop: checks already talking to eBay finish and count, pending ones become cancelled.
 * Returns false when the run is not this workspace's or has already ended.
 */
export async function requestCheckRunCancel(
  client: Db,
  input: { workspaceId: string; runId: string; actor: CheckRunActor },
): Promise<boolean> {
  const at = new Date();
  const requested = await client.$transaction(async (transaction) => {
    const marked = await transaction.checkRun.updateMany({
      where: { id: input.runId, workspaceId: input.workspaceId, status: { in: ["queued", "running"] } },
      data: { status: "cancelling", cancelRequestedAt: at },
    });
    if (marked.count === 0) return false;
    // Items not started are cancelled and their jobs removed; checks already at eBay finish and count.
    await transaction.$executeRaw(Prisma.sql`
      WITH cancelled AS (
        UPDATE "CheckRunItem" SET "status" = 'cancelled', "finishedAt" = ${at}
        WHERE "runId" = ${input.runId} AND "status" = 'pending'
        RETURNING "id"
      )
      SELECT count(graphile_worker.remove_job('check-run-item:' || "id")) FROM cancelled`);
    return true;
  });
  if (!requested) return false;
  await recordAuditEvent(client, {
    workspaceId: input.workspaceId,
    actorUserId: input.actor.userId,
    actorLabel: input.actor.label,
    action: "check_run_cancel",
    outcome: "info",
    detail: "Cancel requested: checks in progress finish, the rest are not started.",
    runId: input.runId,
  });
  // With nothing running, the run ends now; otherwise the last check to finish ends it.
  await finishCheckRunIfDone(client, input.runId);
  return true;
}

export type CheckRunItemView = {
  id: string;
  accountId: string;
  accountName: string;
  status: string;
  attempts: number;
  verdict: string | null;
  cause: string | null;
  message: string | null;
  ebayCalls: number;
  notBefore: string | null;
  finishedAt: string | null;
};

export type CheckRunView = {
  id: string;
  status: string;
  trigger: string;
  filterLabel: string | null;
  createdByLabel: string;
  total: number;
  done: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  cancelRequestedAt: string | null;
  /** When every unfinished item waits for eBay (Retry-After, rate limit, quota): the earliest it resumes. */
  waitingUntil: string | null;
  /** Why it waits, when eBay's rate limit or quota paused every check. */
  waitingReason: string | null;
  summary: CheckRunSummary;
  items: CheckRunItemView[];
};

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export async function loadCheckRunView(client: Db, workspaceId: string, runId: string): Promise<CheckRunView | null> {
  const run = await client.checkRun.findFirst({ where: { id: runId, workspaceId } });
  if (!run) return null;
  const items = await client.checkRunItem.findMany({
    where: { runId: run.id },
    orderBy: [{ id: "asc" }],
  });
  const summary = summarizeCheckRun(items);
  const wallNow = Date.now();
  const unfinished = items.filter((item) => item.status === "pending" || item.status === "running");
  const pause = unfinished.length > 0 ? await currentEbayPause(client) : null;
  // A pending item waits for its own retry time, or for the application-wide pause, whichever is later.
  const resumesAt = (item: (typeof items)[number]) => Math.max(item.notBefore?.getTime() ?? 0, pause?.until.getTime() ?? 0);
  const allWaiting = unfinished.length > 0 && unfinished.every((item) => item.status === "pending" && resumesAt(item) > wallNow);
  const waitingUntil = allWaiting ? new Date(Math.min(...unfinished.map(resumesAt))) : null;
  return {
    id: run.id,
    status: run.status,
    trigger: run.trigger,
    filterLabel: run.filterLabel,
    createdByLabel: run.createdByLabel,
    total: run.total,
    done: summary.finished,
    createdAt: run.createdAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    cancelRequestedAt: iso(run.cancelRequestedAt),
    waitingUntil: iso(waitingUntil),
    waitingReason: allWaiting && pause ? pause.reason : null,
    summary,
    items: items.map((item) => ({
      id: item.id,
      accountId: item.accountId,
      accountName: item.accountName,
      status: item.status,
      attempts: item.attempts,
      verdict: item.verdict,
      cause: item.cause,
      message: item.message,
      ebayCalls: item.ebayCalls,
      notBefore: iso(item.notBefore),
      finishedAt: iso(item.finishedAt),
    })),
  };
}

export type CheckRunListEntry = {
  id: string;
  status: string;
  trigger: string;
  filterLabel: string | null;
  createdByLabel: string;
  total: number;
  done: number;
  createdAt: string;
  finishedAt: string | null;
};

export async function listRecentCheckRuns(client: Db, workspaceId: string, take = 50): Promise<CheckRunListEntry[]> {
  const runs = await client.checkRun.findMany({
    where: { workspaceId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
  });
  // A run writes its done counter when it ends; for the ones still going, count their finished items.
  const openIds = runs.filter((run) => ACTIVE_RUN_STATUSES.includes(run.status as (typeof ACTIVE_RUN_STATUSES)[number])).map((run) => run.id);
  const openDone = new Map(
    openIds.length === 0
      ? []
      : (
          await client.checkRunItem.groupBy({ by: ["runId"], where: { runId: { in: openIds }, status: "done" }, _count: { _all: true } })
        ).map((group) => [group.runId, group._count._all]),
  );
  return runs.map((run) => ({
    id: run.id,
    status: run.status,
    trigger: run.trigger,
    filterLabel: run.filterLabel,
    createdByLabel: run.createdByLabel,
    total: run.total,
    done: openDone.get(run.id) ?? run.done,
    createdAt: run.createdAt.toISOString(),
    finishedAt: iso(run.finishedAt),
  }));
}

export type { CheckRunSummary };
