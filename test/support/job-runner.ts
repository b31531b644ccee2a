// Test-only: the product's job runner on a test database, fast polling, no cron (a test queues what it needs).
import type { Db } from "@/lib/db";
import { startJobRunner, type JobRunner } from "@/lib/jobs/job-runner";
import type { TestDatabase } from "@/test/support/test-database";

export function startTestJobRunner(database: TestDatabase, options: { concurrency?: number } = {}): Promise<JobRunner> {
  return startJobRunner({
    databaseUrl: database.url,
    db: database.db,
    cron: false,
    concurrency: options.concurrency ?? 4,
    pollIntervalMs: 50,
    recoveryIntervalMs: 250,
  });
}

/** Waits until the run has ended (completed or cancelled). */
export async function waitForRunToEnd(db: Db, runId: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await db.checkRun.findUniqueOrThrow({ where: { id: runId }, select: { status: true } });
    if (run.status === "completed" || run.status === "cancelled") return;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
