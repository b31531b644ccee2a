// How bulk check runs pace themselves. Every knob is an environment variable so tests and benchmarks can run
// them fast; the defaults are what a production server should do. How many checks run at once is the job
// runner's concurrency (CHECK_RUN_CONCURRENCY, lib/jobs/job-runner.ts).

export type CheckRunSettings = {
  /** Checks per item before a transient eBay failure is final for this run (CHECK_RUN_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** First retry wait; doubles each attempt (CHECK_RUN_RETRY_BASE_MS). */
  retryBaseMs: number;
  /** A Retry-After longer than this is not waited for in this run: the item ends "eBay unavailable" (CHECK_RUN_MAX_RETRY_WAIT_SECONDS). */
  maxRetryWaitSeconds: number;
  /** How long a check waits for another check of the same account to finish (CHECK_RUN_ACCOUNT_LOCK_WAIT_MS). */
  accountLockWaitMs: number;
  /** eBay's quota is read at most this often while runs go on (CHECK_RUN_QUOTA_CHECK_SECONDS). */
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
    maxAttempts: Math.floor(positiveNumber(env.CHECK_RUN_MAX_ATTEMPTS, 3)),
    retryBaseMs: positiveNumber(env.CHECK_RUN_RETRY_BASE_MS, 2_000, 0),
    maxRetryWaitSeconds: positiveNumber(env.CHECK_RUN_MAX_RETRY_WAIT_SECONDS, 300, 0),
    accountLockWaitMs: positiveNumber(env.CHECK_RUN_ACCOUNT_LOCK_WAIT_MS, 60_000, 10),
    quotaCheckSeconds: positiveNumber(env.CHECK_RUN_QUOTA_CHECK_SECONDS, 300, 0),
    quotaReserve: Math.floor(positiveNumber(env.CHECK_RUN_QUOTA_RESERVE, 100, 0)),
  };
}
