// How bulk check runs pace themselves. Every knob is an environment variable so tests and benchmarks can run
// the worker fast; the defaults are what a production server should do.

export type CheckRunSettings = {
  /** Items checked at once per run (CHECK_RUN_CONCURRENCY). */
  concurrency: number;
  /** Checks per item before a transient eBay failure is final for this run (CHECK_RUN_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** First retry wait; doubles each attempt (CHECK_RUN_RETRY_BASE_MS). */
  retryBaseMs: number;
  /** A Retry-After longer than this is not waited for in this run: the item ends "eBay unavailable" (CHECK_RUN_MAX_RETRY_WAIT_SECONDS). */
  maxRetryWaitSeconds: number;
  /** How long a run's lease lasts without renewal; a crashed worker's runs resume after it (CHECK_RUN_LEASE_MS). */
  leaseMs: number;
  /**
   * A "running" item of a run this worker took over, started longer ago than this, belonged to a worker that lost
   * the lease: its check is over (a check is a refresh and a validation, each cut off at EBAY_TIMEOUT_MS, 10 s by
   * default), so the item is checked again. Until then it keeps its account blocked, so a slow previous owner and
   * this worker never ask eBay about one account at once (CHECK_RUN_ABANDONED_CHECK_MS).
   */
  abandonedCheckMs: number;
  /** How often an idle worker looks for runs (CHECK_RUN_POLL_MS). */
  pollMs: number;
  /**
   * How often a working worker reads its run back (lease owner, cancel request) and writes its progress counter
   * (CHECK_RUN_SYNC_MS, at most pollMs). Claims check the lease themselves, so this only bounds how long a cancel
   * or a lost lease takes to stop the loop, not what may be written meanwhile.
   */
  syncMs: number;
  /** Wait before looking again at an item whose account another run is checking right now (CHECK_RUN_BUSY_RETRY_MS). */
  busyRetryMs: number;
  /** Developer Analytics is asked at most this often per run (CHECK_RUN_QUOTA_CHECK_SECONDS). */
  quotaCheckSeconds: number;
  /** Calls to leave unspent in eBay's daily quota for the sellers' own integrations (CHECK_RUN_QUOTA_RESERVE). */
  quotaReserve: number;
};

function positiveNumber(value: string | undefined, fallback: number, minimum = 1): number {
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= minimum ? parsed : fallback;
}

export function checkRunSettingsFromEnv(env: Record<string, string | undefined> = process.env): CheckRunSettings {
  return {
    concurrency: Math.floor(positiveNumber(env.CHECK_RUN_CONCURRENCY, 16)),
    maxAttempts: Math.floor(positiveNumber(env.CHECK_RUN_MAX_ATTEMPTS, 3)),
    retryBaseMs: positiveNumber(env.CHECK_RUN_RETRY_BASE_MS, 2_000, 0),
    maxRetryWaitSeconds: positiveNumber(env.CHECK_RUN_MAX_RETRY_WAIT_SECONDS, 300, 0),
    leaseMs: positiveNumber(env.CHECK_RUN_LEASE_MS, 30_000, 100),
    abandonedCheckMs: positiveNumber(env.CHECK_RUN_ABANDONED_CHECK_MS, 60_000, 0),
    pollMs: positiveNumber(env.CHECK_RUN_POLL_MS, 1_000, 10),
    syncMs: positiveNumber(env.CHECK_RUN_SYNC_MS, 250, 10),
    busyRetryMs: positiveNumber(env.CHECK_RUN_BUSY_RETRY_MS, 250, 10),
    quotaCheckSeconds: positiveNumber(env.CHECK_RUN_QUOTA_CHECK_SECONDS, 300, 0),
    quotaReserve: Math.floor(positiveNumber(env.CHECK_RUN_QUOTA_RESERVE, 100, 0)),
  };
}
