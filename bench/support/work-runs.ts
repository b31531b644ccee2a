// Works the queue in this process until the given runs have ended (the bench's stand-in for a worker process).
import type { Db } from "@/lib/db";
import { databaseUrlFromEnv } from "@/lib/db";
import { startJobRunner } from "@/lib/jobs/job-runner";

export async function workRunsToTheEnd(db: Db, runIds: string[], options: { concurrency?: number } = {}): Promise<void> {
  const runner = await startJobRunner({ databaseUrl: databaseUrlFromEnv(), db, cron: false, concurrency: options.concurrency, pollIntervalMs: 200 });
  try {
    for (;;) {
      const open = await db.checkRun.count({ where: { id: { in: runIds }, status: { in: ["queued", "running", "cancelling"] } } });
      if (open === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await runner.stop();
  }
}
