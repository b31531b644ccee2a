// Bench task: turns part of a healthy fleet into the mix a real fleet has, through the product's own paths: sellers
// revoke access at eBay and a run finds out (needs re-authorization), eBay fails during a run (eBay unavailable once
// the run's retries are spent), and a few accounts get disconnected. The runs are created with createCheckRun and
// worked by the bench's worker processes, like any run; this task only waits for them. Runs without injected latency.
// Inputs (env): DATABASE_URL, EBAY_EMULATOR_URL, BENCH_WORKSPACE_ID, BENCH_USER_ID, BENCH_USER_EMAIL.
import { createDbClient, databaseUrlFromEnv, type Db } from "@/lib/db";
import { createCheckRun, ACTIVE_RUN_STATUSES } from "@/lib/checks/check-runs";
import { disconnectAccount } from "@/lib/accounts/disconnect-account";
import { EmulatorControl } from "@/bench/support/emulator-control";
import { mapWithConcurrency, sleep } from "@/bench/support/concurrency";
import { requiredEnv, runTask, writeTaskOutput } from "@/bench/support/task-io";

export type MixStatesOutput = { statusCounts: Record<string, number>; durationMs: number };

async function waitForRunEnd(db: Db, runId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await db.checkRun.findUniqueOrThrow({ where: { id: runId }, select: { status: true } });
    if (!(ACTIVE_RUN_STATUSES as readonly string[]).includes(run.status)) return;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs / 1000}s`);
    await sleep(250);
  }
}

async function main(): Promise<void> {
  const db = createDbClient(databaseUrlFromEnv());
  const emulator = new EmulatorControl(requiredEnv("EBAY_EMULATOR_URL"));
  const workspaceId = requiredEnv("BENCH_WORKSPACE_ID");
  const actor = { userId: requiredEnv("BENCH_USER_ID"), label: requiredEnv("BENCH_USER_EMAIL") };
  const startedAt = performance.now();

  const accounts = await db.ebayAccount.findMany({
    where: { workspaceId },
    select: { id: true, ebayUsername: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  // 5% revoked by their sellers or by eBay, 5% checked while eBay fails half the time, 1% disconnected.
  const revoked = accounts.filter((_, index) => index % 20 === 3);
  const failing = accounts.filter((_, index) => index % 20 === 6);
  const disconnected = accounts.filter((_, index) => index % 100 === 8);

  await mapWithConcurrency(revoked, 8, async (account, index) => {
    await emulator.revoke(account.ebayUsername!, index % 3 === 0 ? "REVOKED_BY_EBAY" : "REVOKED_BY_USER");
  });
  const revokedRun = await createCheckRun(db, { workspaceId, actor, accountIds: revoked.map((account) => account.id), trigger: "manual", filterLabel: "Selected accounts" });
  await waitForRunEnd(db, revokedRun.runId, 120_000);

  await emulator.addFault({ pathPrefix: "/commerce/identity/", status: 503, rate: 0.5 });
  try {
    const failingRun = await createCheckRun(db, { workspaceId, actor, accountIds: failing.map((account) => account.id), trigger: "manual", filterLabel: "Selected accounts" });
    await waitForRunEnd(db, failingRun.runId, 120_000);
  } finally {
    await emulator.clearFaults();
  }

  await mapWithConcurrency(disconnected, 4, async (account) => {
    await disconnectAccount(db, { workspaceId, accountId: account.id, actor });
  });

  const grouped = await db.ebayAccount.groupBy({ by: ["status"], where: { workspaceId }, _count: { _all: true } });
  const output: MixStatesOutput = {
    statusCounts: Object.fromEntries(grouped.map((group) => [group.status, group._count._all])),
    durationMs: Math.round(performance.now() - startedAt),
  };
  writeTaskOutput(output);
  await db.$disconnect();
}

runTask(main);
