// Bench task: turns part of a healthy fleet into the mix a real fleet has, through the product's own paths:
// sellers revoke access at eBay and a run finds out (needs re-authorization), eBay fails during a run
// (eBay unavailable), and a few accounts get disconnected. Runs without injected latency.
// Inputs (env): DATABASE_URL, EBAY_EMULATOR_URL, CHECK_RUN_* (MAX_ATTEMPTS=1 keeps eBay failures final),
// BENCH_WORKSPACE_ID, BENCH_USER_ID, BENCH_USER_EMAIL.
import { createDbClient, databaseUrlFromEnv } from "@/lib/db";
import { createCheckRun } from "@/lib/checks/check-runs";
import { workRunsToTheEnd } from "@/bench/support/work-runs";
import { disconnectAccount } from "@/lib/accounts/disconnect-account";
import { EmulatorControl } from "@/bench/support/emulator-control";
import { requiredEnv, runTask, writeTaskOutput } from "@/bench/support/task-io";

export type MixStatesOutput = { statusCounts: Record<string, number>; durationMs: number };

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
  const revoked = accounts.filter((_, index) => index % 10 === 3);
  const failing = accounts.filter((_, index) => index % 10 === 6);
  const disconnected = accounts.filter((_, index) => index % 50 === 8);

  for (const [index, account] of revoked.entries()) {
    await emulator.revoke(account.ebayUsername!, index % 3 === 0 ? "REVOKED_BY_EBAY" : "REVOKED_BY_USER");
  }
  const revokedRun = await createCheckRun(db, { workspaceId, actor, accountIds: revoked.map((account) => account.id), trigger: "manual", filterLabel: "Selected accounts" });
  await workRunsToTheEnd(db, [revokedRun.runId]);

  await emulator.addFault({ pathPrefix: "/commerce/identity/", status: 503, rate: 0.5 });
  try {
    const failingRun = await createCheckRun(db, { workspaceId, actor, accountIds: failing.map((account) => account.id), trigger: "manual", filterLabel: "Selected accounts" });
    await workRunsToTheEnd(db, [failingRun.runId]);
  } finally {
    await emulator.clearFaults();
  }

  for (const account of disconnected) {
    await disconnectAccount(db, { workspaceId, accountId: account.id, actor });
  }

  const grouped = await db.ebayAccount.groupBy({ by: ["status"], where: { workspaceId }, _count: { _all: true } });
  const output: MixStatesOutput = {
    statusCounts: Object.fromEntries(grouped.map((group) => [group.status, group._count._all])),
    durationMs: Math.round(performance.now() - startedAt),
  };
  writeTaskOutput(output);
  await db.$disconnect();
}

runTask(main);
