// Bench task: starts one bulk check the way the "Check all" button does (startCheckRunAction: every connected account
// of the workspace, oldest first, then createCheckRun: the run, its items and one queue job per item in one
// transaction) and returns at once; the worker processes do the checking. Reports the moment it called createCheckRun
// (wall clock), so the bench measures the run from the seller's click to the run's own finishedAt.
// Inputs (env): DATABASE_URL, BENCH_WORKSPACE_ID, BENCH_USER_ID, BENCH_USER_EMAIL, BENCH_RUN_FILTER_LABEL.
import { createDbClient, databaseUrlFromEnv } from "@/lib/db";
import { now } from "@/lib/clock";
import { checkableAccountIdsInFilter } from "@/lib/accounts/list-accounts";
import { createCheckRun } from "@/lib/checks/check-runs";
import { ACCESS_TOKEN_REFRESH_MARGIN_MS } from "@/lib/tokens/check-token";
import { requiredEnv, runTask, writeTaskOutput } from "@/bench/support/task-io";

export type StartCheckRunOutput = {
  runId: string;
  accounts: number;
  /** Accounts whose stored access token is within the refresh margin: the refreshes the run needs. */
  needingRefresh: number;
  /** Date.now() just before createCheckRun. */
  requestedAtMs: number;
  /** How long createCheckRun took (run, items and jobs written). */
  createMs: number;
};

async function main(): Promise<void> {
  const db = createDbClient(databaseUrlFromEnv());
  const workspaceId = requiredEnv("BENCH_WORKSPACE_ID");
  const accountIds = await checkableAccountIdsInFilter(db, { workspaceId, filter: "all", now: now() });
  const needingRefresh = await db.ebayAccount.count({
    where: {
      workspaceId,
      status: { not: "disconnected" },
      OR: [{ accessTokenExpiresAt: null }, { accessTokenExpiresAt: { lte: new Date(now().getTime() + ACCESS_TOKEN_REFRESH_MARGIN_MS) } }],
    },
  });
  const requestedAtMs = Date.now();
  const startedAt = performance.now();
  const { runId } = await createCheckRun(db, {
    workspaceId,
    actor: { userId: requiredEnv("BENCH_USER_ID"), label: requiredEnv("BENCH_USER_EMAIL") },
    accountIds,
    trigger: "manual",
    filterLabel: process.env.BENCH_RUN_FILTER_LABEL ?? "All accounts",
  });
  const output: StartCheckRunOutput = {
    runId,
    accounts: accountIds.length,
    needingRefresh,
    requestedAtMs,
    createMs: Math.round(performance.now() - startedAt),
  };
  writeTaskOutput(output);
  await db.$disconnect();
}

runTask(main);
