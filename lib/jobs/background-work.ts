// This process's job runner, started once (the Next server through instrumentation.ts, `npm run worker` through
// scripts/worker.ts). CHANNELKEYS_BACKGROUND=off keeps a web process to pages only.
import { db, databaseUrlFromEnv } from "@/lib/db";
import { startJobRunner, type JobRunner } from "@/lib/jobs/job-runner";

const globalForJobs = globalThis as typeof globalThis & { __channelkeysJobRunner?: Promise<JobRunner> };

export function backgroundWorkEnabled(env: Record<string, string | undefined> = process.env): boolean {
  return env.CHANNELKEYS_BACKGROUND !== "off";
}

export function startBackgroundWork(): Promise<JobRunner> {
  globalForJobs.__channelkeysJobRunner ??= startJobRunner({ databaseUrl: databaseUrlFromEnv(), db });
  return globalForJobs.__channelkeysJobRunner;
}

export async function stopBackgroundWork(): Promise<void> {
  const runner = globalForJobs.__channelkeysJobRunner;
  globalForJobs.__channelkeysJobRunner = undefined;
  await (await runner)?.stop();
}
