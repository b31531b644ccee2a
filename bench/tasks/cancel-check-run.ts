// Bench task: cancels a run the way its page's "Cancel run" button does (requestCheckRunCancel): pending items are
// cancelled and their jobs removed, checks already at eBay finish.
// Inputs (env): DATABASE_URL, BENCH_WORKSPACE_ID, BENCH_USER_ID, BENCH_USER_EMAIL, BENCH_RUN_ID.
import { createDbClient, databaseUrlFromEnv } from "@/lib/db";
import { requestCheckRunCancel } from "@/lib/checks/check-runs";
import { requiredEnv, runTask, writeTaskOutput } from "@/bench/support/task-io";

async function main(): Promise<void> {
  const db = createDbClient(databaseUrlFromEnv());
  const cancelled = await requestCheckRunCancel(db, {
    workspaceId: requiredEnv("BENCH_WORKSPACE_ID"),
    runId: requiredEnv("BENCH_RUN_ID"),
    actor: { userId: requiredEnv("BENCH_USER_ID"), label: requiredEnv("BENCH_USER_EMAIL") },
  });
  writeTaskOutput({ cancelled });
  await db.$disconnect();
}

runTask(main);
