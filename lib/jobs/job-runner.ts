// This process's share of the background work: a graphile-worker pool that works the jobs of lib/jobs/task-list.ts,
// schedules upkeep through the queue's cron (once per minute across every process), and hands back the jobs of
// workers that died (lib/jobs/crashed-workers.ts). Any number of web and worker processes may run one on a database.
//
// graphile-worker 0.16 lets a worker die when it cannot record a job's end (the database went away) and does not
// replace it; this runner then starts a fresh pool once the database answers again, and the dead workers' jobs are
// handed back like any crashed worker's. So a database restart pauses the work and it resumes after.
import { Logger, parseCrontab, run, type Runner, type TaskList } from "graphile-worker";
import pg from "pg";
import type { Db } from "@/lib/db";
import { logUnexpectedError, redactSecrets } from "@/lib/actions/log-unexpected-error";
import { RetryLater } from "@/lib/jobs/retry-later";
import { isDatabaseUnavailable } from "@/lib/db-errors";
import { ebayPauseForbiddenFlags } from "@/lib/jobs/ebay-pause";
import { recoverCrashedWorkers, startWorkerLiveness, type WorkerLiveness } from "@/lib/jobs/crashed-workers";
import { upkeepCrontab } from "@/lib/upkeep/upkeep-crontab";
import { createTaskList } from "@/lib/jobs/task-list";

export type JobRunnerOptions = {
  databaseUrl: string;
  db: Db;
  /** Jobs worked at once by this process (CHECK_RUN_CONCURRENCY, default 16). */
  concurrency?: number;
  /** Schedule upkeep through the queue's cron (default: as UPKEEP_SWEEPS says; tests turn it off). */
  cron?: boolean;
  /** How often an idle worker looks for due jobs it was not told about (retries, delayed jobs). */
  pollIntervalMs?: number;
  /** How often this process looks for jobs of crashed workers (JOB_RECOVERY_INTERVAL_MS, default 10 s). */
  recoveryIntervalMs?: number;
  /** Tests: a task list of their own. */
  taskList?: TaskList;
};

export type JobRunner = {
  stop(): Promise<void>;
  /** Resolves when every job that exists now (due now, or within `withinMs`) has been worked. Tests and scripts. */
  whenIdle(options?: { withinMs?: number; timeoutMs?: number }): Promise<void>;
};

function numberFromEnv(name: string, fallback: number): number {
  const parsed = Number(process.env[name]);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}

export async function startJobRunner(options: JobRunnerOptions): Promise<JobRunner> {
  const concurrency = options.concurrency ?? Math.floor(numberFromEnv("CHECK_RUN_CONCURRENCY", 16));
  const pollInterval = options.pollIntervalMs ?? numberFromEnv("JOB_POLL_INTERVAL_MS", 1_000);
  const recoveryIntervalMs = options.recoveryIntervalMs ?? numberFromEnv("JOB_RECOVERY_INTERVAL_MS", 10_000);
  const taskList = options.taskList ?? createTaskList(options.db);
  // Parsed here, always: given no crontab at all, graphile-worker would read a file named "crontab" from the cwd.
  const parsedCronItems = parseCrontab(options.cron === false ? "" : upkeepCrontab());
  const pgPool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: concurrency + 4,
    application_name: "channelkeys-jobs",
  });
  pgPool.on("error", () => {});
  const liveness = await startWorkerLiveness(options.databaseUrl);
  let stopped = false;
  let current: Runner | null = null;
  let restarting: Promise<void> | null = null;

  const start = async (): Promise<Runner> => {
    const runner = await run({
      pgPool,
      concurrency,
      pollInterval,
      noHandleSignals: true,
      taskList,
      parsedCronItems,
      forbiddenFlags: ebayPauseForbiddenFlags(options.db),
      logger: jobLogger,
    });
    runner.events.on("worker:create", ({ worker }) => {
      liveness.register(worker.workerId).catch(() => {});
    });
    runner.events.on("worker:fatalError", ({ worker }) => {
      // Its job stays locked under its id: give up its liveness so recovery hands the job back.
      liveness.unregister(worker.workerId).catch(() => {});
      restarting ??= restart().finally(() => {
        restarting = null;
      });
    });
    return runner;
  };

  const restart = async () => {
    const broken = current;
    current = null;
    await Promise.race([broken?.stop().catch(() => {}), sleep(10_000)]);
    while (!stopped && !(await databaseAnswers(pgPool))) await sleep(1_000);
    if (!stopped) current = await start();
  };

  current = await start();

  const recovery = setInterval(() => {
    if (!liveness.healthy()) return;
    recoverCrashedWorkers(options.databaseUrl).catch(() => {
      // The database is away: the next round tries again.
    });
  }, recoveryIntervalMs);
  recovery.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(recovery);
      await restarting;
      await current?.stop().catch(() => {});
      current = null;
      await liveness.stop();
      await pgPool.end().catch(() => {});
    },
    async whenIdle({ withinMs = 0, timeoutMs = 60_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await pgPool.query<{ waiting: string }>(
          `SELECT count(*) AS waiting FROM graphile_worker._private_jobs
            WHERE attempts < max_attempts AND (locked_at IS NOT NULL OR run_at <= now() + make_interval(secs => $1))`,
          [withinMs / 1000],
        );
        if (Number(rows[0]?.waiting ?? 0) === 0) return;
        if (Date.now() > deadline) throw new Error(`jobs still waiting after ${timeoutMs} ms`);
        await sleep(25);
      }
    },
  };
}

async function databaseAnswers(pool: pg.Pool): Promise<boolean> {
  try {
    await pool.query("SELECT 1");
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// graphile-worker's own log lines: a job that failed as expected (RetryLater: an endpoint down, a lock busy) is one
// line; anything else (a bug, a lost connection) goes through the redacting logger with its detail. Info and debug
// chatter is dropped.
const jobLogger = new Logger(() => (level, message, meta) => {
  if (level !== "error" && level !== "warning") return;
  const details = meta as { error?: unknown; fatalError?: unknown; job?: { task_identifier?: string; attempts?: number; max_attempts?: number } } | undefined;
  const failure = details?.error ?? details?.fatalError;
  if (failure instanceof RetryLater || isDatabaseUnavailable(failure ?? message)) {
    const job = details?.job;
    const reason = failure instanceof RetryLater ? failure.message : "the database is unavailable";
    console.warn(
      job
        ? `[channelkeys] job ${job.task_identifier ?? "?"} attempt ${job.attempts ?? "?"} of ${job.max_attempts ?? "?"}: ${redactSecrets(reason)}; retried later`
        : `[channelkeys] job queue: ${reason}; waiting for it`,
    );
    return;
  }
  logUnexpectedError(`job queue (${level})`, failure ?? new Error(message));
});
