// Test-only child process: a job runner on DATABASE_URL, as a separate worker process would run one. Prints
// "ready" once it works jobs; the parent kills it (SIGKILL plays a crash).
import { createDbClient, databaseUrlFromEnv } from "@/lib/db";
import { startJobRunner } from "@/lib/jobs/job-runner";

async function main() {
  const databaseUrl = databaseUrlFromEnv();
  const db = createDbClient(databaseUrl);
  await startJobRunner({
    databaseUrl,
    db,
    cron: false,
    concurrency: Number(process.env.TEST_JOB_CONCURRENCY ?? 2),
    pollIntervalMs: 50,
    recoveryIntervalMs: 250,
  });
  process.stdout.write("ready\n");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
