// Adding jobs to the queue (graphile-worker) through SQL on a Prisma client or transaction: a job added in the same
// transaction as the rows it works on exists exactly when they do (a bulk run and its items, a warning and its
// delivery). graphile-worker's add_job NOTIFYs idle workers, so a job starts at once.
import { Prisma } from "@/lib/generated/prisma/client";
import type { TaskName } from "@/lib/jobs/task-names";

/** Anything that runs raw SQL: the shared client, a test's client, or an interactive transaction. */
export type SqlExecutor = { $executeRaw(query: Prisma.Sql): Prisma.PrismaPromise<number> };

export type JobKeyMode = "replace" | "preserve_run_at" | "unsafe_dedupe";

export type JobSpec = {
  task: TaskName;
  payload: Record<string, unknown>;
  /** At most one pending job per key: adding again updates it (replace), keeps its time (preserve_run_at) or is dropped (unsafe_dedupe). */
  jobKey?: string;
  jobKeyMode?: JobKeyMode;
  runAt?: Date;
  maxAttempts?: number;
  /** Jobs with a flag a worker forbids wait (lib/jobs/ebay-pause.ts pauses everything flagged "ebay"). */
  flags?: string[];
  /** Jobs of one queue run one at a time, in order. */
  queueName?: string;
};

export async function addJob(client: SqlExecutor, spec: JobSpec): Promise<void> {
  await client.$executeRaw(addJobSql(spec));
}

/** The statement addJob runs, for callers that batch it with other writes in one transaction. */
export function addJobSql(spec: JobSpec): Prisma.Sql {
  return Prisma.sql`
    SELECT graphile_worker.add_job(
      identifier => ${spec.task}::text,
      payload => ${JSON.stringify(spec.payload)}::json,
      queue_name => ${spec.queueName ?? null}::text,
      run_at => ${spec.runAt ?? null}::timestamptz,
      max_attempts => ${spec.maxAttempts ?? null}::int,
      job_key => ${spec.jobKey ?? null}::text,
      flags => ${flagsSql(spec.flags)},
      job_key_mode => ${spec.jobKeyMode ?? "replace"}::text
    )`;
}

export function flagsSql(flags: string[] | undefined): Prisma.Sql {
  if (!flags || flags.length === 0) return Prisma.sql`NULL::text[]`;
  return Prisma.sql`ARRAY[${Prisma.join(flags.map((flag) => Prisma.sql`${flag}::text`))}]`;
}

/** Removes the pending jobs with these keys (a job already running finishes, and is not retried). */
export async function removeJobs(client: SqlExecutor, jobKeys: string[]): Promise<void> {
  if (jobKeys.length === 0) return;
  await client.$executeRaw(Prisma.sql`
    SELECT count(graphile_worker.remove_job(job_key)) FROM unnest(ARRAY[${Prisma.join(jobKeys.map((key) => Prisma.sql`${key}::text`))}]) AS job_key`);
}
