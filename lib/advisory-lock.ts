// PostgreSQL advisory locks for "only one at a time, across every process": the single-flight refresh of an account's
// access token, and one check of an account at a time in bulk runs. A transaction-level lock on a connection of its
// own: waiters queue inside PostgreSQL (no polling, no timestamps), and the lock ends with the transaction, or with the
// connection when a process dies, so a crashed holder never blocks anyone.
//
// The lock connections are a pool of their own, apart from Prisma's: a holder does its work through Prisma, so if
// both shared one pool, holders could take every connection and wait forever for one to do that work.
import pg from "pg";

const pools = new Map<string, pg.Pool>();

/** Locks held at once per process: a check per bulk-check slot, plus refreshes (ADVISORY_LOCK_POOL_SIZE). */
function lockPoolSize(): number {
  const configured = Number(process.env.ADVISORY_LOCK_POOL_SIZE);
  if (Number.isInteger(configured) && configured > 0) return configured;
  const concurrency = Number(process.env.CHECK_RUN_CONCURRENCY);
  return (Number.isInteger(concurrency) && concurrency > 0 ? concurrency : 16) + 8;
}

function lockPool(databaseUrl: string): pg.Pool {
  let pool = pools.get(databaseUrl);
  if (!pool) {
    pool = new pg.Pool({ connectionString: databaseUrl, max: lockPoolSize(), idleTimeoutMillis: 10_000, application_name: "channelkeys-locks" });
    // An idle lock connection that drops (database restart) is simply replaced on next use.
    pool.on("error", () => {});
    pools.set(databaseUrl, pool);
  }
  return pool;
}

export type AdvisoryLockOptions = {
  /** Give up waiting after this long (default 60 s): the work is retried by its caller rather than stuck. */
  waitMs?: number;
};

export class AdvisoryLockTimeoutError extends Error {
  override name = "AdvisoryLockTimeoutError";
}

/** Runs `work` while holding the lock named `key` (any string), waiting for it if another process holds it. */
export async function withAdvisoryLock<T>(databaseUrl: string, key: string, work: () => Promise<T>, options: AdvisoryLockOptions = {}): Promise<T> {
  const connection = await lockPool(databaseUrl).connect();
  let healthy = true;
  // A connection that dies while held (the database restarts) must not crash the process: the lock died with it,
  // the work's own queries fail, and the connection is discarded on release.
  const onError = () => {
    healthy = false;
  };
  connection.on("error", onError);
  try {
    const waitMs = Math.max(1, Math.round(options.waitMs ?? 60_000));
    try {
      // The transaction, its lock timeout and the lock in one round trip (a bulk check takes one or two locks per
      // account, and round trips are most of a check's database cost): a simple-protocol query may hold several
      // statements but no parameters, so the key goes in as an escaped literal.
      await connection.query(
        `BEGIN; SET LOCAL lock_timeout = ${waitMs}; SELECT pg_advisory_xact_lock(hashtextextended(${connection.escapeLiteral(key)}, 0))`,
      );
    } catch (error) {
      // 55P03 lock_not_available: lock_timeout passed.
      if ((error as { code?: string }).code === "55P03") throw new AdvisoryLockTimeoutError(`Timed out waiting for lock ${key}`);
      throw error;
    }
    return await work();
  } finally {
    await connection.query("COMMIT").catch(() => {
      healthy = false;
    });
    connection.off("error", onError);
    connection.release(!healthy);
  }
}

/** Closes this process's lock connections (tests, and a worker that shuts down). */
export async function closeAdvisoryLockPools(): Promise<void> {
  const open = [...pools.values()];
  pools.clear();
  await Promise.allSettled(open.map((pool) => pool.end()));
}
