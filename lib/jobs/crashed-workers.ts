// graphile-worker (0.16, the last line that runs on Node 20) unlocks a dead worker's jobs only after 4 hours; its
// API for doing it sooner is force_unlock_workers(ids), for when "you know the workers have crashed". This file is how
// ChannelKeys knows, without timestamps or heartbeats to tune: every worker of a process holds a PostgreSQL advisory
// lock named after its worker id, on a connection kept for that purpose. PostgreSQL drops the lock the moment that
// connection dies with its process, so a worker whose lock can be taken is gone, and its jobs are handed back.
import pg from "pg";

const LIVENESS_PREFIX = "channelkeys-job-worker:";
/** A lock job younger than this may belong to a worker whose liveness lock is still being taken. */
const GRACE_SECONDS = 5;

export type WorkerLiveness = {
  /** Marks a worker of this process alive until the process (or stop()) ends. */
  register(workerId: string): Promise<void>;
  /** A worker of this process died: let recovery hand its job back. */
  unregister(workerId: string): Promise<void>;
  /** False while the liveness connection is being re-established (our workers look dead meanwhile). */
  healthy(): boolean;
  stop(): Promise<void>;
};

export async function startWorkerLiveness(databaseUrl: string): Promise<WorkerLiveness> {
  let connection = await connect(databaseUrl);
  const registered = new Set<string>();
  let stopped = false;
  let reconnecting = false;

  async function connect(url: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url, application_name: "channelkeys-worker-liveness" });
    client.on("error", () => {
      // The connection is gone, and with it our locks: take them again on a new one, or other processes would
      // see these workers as dead and hand their jobs to someone else while they still work on them.
      if (!stopped && !reconnecting) void reconnect();
    });
    await client.connect();
    return client;
  }

  async function reconnect(): Promise<void> {
    reconnecting = true;
    try {
      for (let attempt = 0; !stopped; attempt++) {
        try {
          const next = await connect(databaseUrl);
          for (const workerId of registered) await next.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [LIVENESS_PREFIX + workerId]);
          connection = next;
          return;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 200 * 2 ** attempt)));
        }
      }
    } finally {
      reconnecting = false;
    }
  }

  return {
    async register(workerId) {
      registered.add(workerId);
      await connection.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [LIVENESS_PREFIX + workerId]);
    },
    async unregister(workerId) {
      if (!registered.delete(workerId)) return;
      await connection.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [LIVENESS_PREFIX + workerId]);
    },
    healthy: () => !reconnecting && !stopped,
    async stop() {
      stopped = true;
      await connection.end().catch(() => {});
    },
  };
}

/**
 * Hands the jobs of workers that died back to the queue. Safe to run in every process at once: a dead worker is
 * unlocked twice at worst, which changes nothing. Returns the worker ids it found dead.
 */
export async function recoverCrashedWorkers(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "channelkeys-worker-recovery" });
  client.on("error", () => {});
  await client.connect();
  try {
    const locked = await client.query<{ locked_by: string }>(
      `SELECT DISTINCT locked_by FROM graphile_worker._private_jobs
        WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $1)
       UNION
       SELECT DISTINCT locked_by FROM graphile_worker._private_job_queues
        WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $1)`,
      [GRACE_SECONDS],
    );
    const dead: string[] = [];
    for (const { locked_by: workerId } of locked.rows) {
      const key = LIVENESS_PREFIX + workerId;
      const taken = await client.query<{ free: boolean }>("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS free", [key]);
      if (!taken.rows[0]?.free) continue;
      await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [key]);
      dead.push(workerId);
    }
    if (dead.length > 0) await client.query("SELECT graphile_worker.force_unlock_workers($1::text[])", [dead]);
    return dead;
  } finally {
    await client.end().catch(() => {});
  }
}
