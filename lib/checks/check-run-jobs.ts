// The queue jobs of bulk runs: one per item, keyed by the item so it is queued at most once, flagged as calling eBay
// so a rate-limit pause holds it (lib/jobs/ebay-pause.ts).
import type { JobSpec } from "@/lib/jobs/add-job";
import { EBAY_FLAG } from "@/lib/jobs/task-names";

/**
 * Failures the queue itself retries (the database away, a lock that stayed busy): a few, then the item is left
 * running and the run stays open, visible, rather than retried for days. eBay's own transient answers are retried
 * by the run's policy (lib/checks/retry-policy.ts), not by the queue.
 */
export const CHECK_RUN_ITEM_MAX_ATTEMPTS = 10;

export function checkRunItemJobKey(itemId: string): string {
  return `check-run-item:${itemId}`;
}

export function checkRunItemJob(itemId: string, runAt?: Date): JobSpec {
  return {
    task: "check-run-item",
    payload: { itemId },
    jobKey: checkRunItemJobKey(itemId),
    runAt,
    maxAttempts: CHECK_RUN_ITEM_MAX_ATTEMPTS,
    flags: [EBAY_FLAG],
  };
}
