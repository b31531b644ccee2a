// What a bulk run does after one check of one item: keep the verdict, or try again later.
// Only "eBay unavailable" is ever retried: healthy and needs-re-authorization are eBay's definite word.
import type { CheckRunSettings } from "@/lib/checks/check-run-settings";

export type CheckOutcome = { status: string; cause: string | null; retryAfterSeconds?: number; retryAfterFromEbay?: boolean };

export type RetryDecision =
  | { kind: "final" }
  | {
      kind: "retry";
      delayMs: number;
      /** eBay said "too many requests": the whole run slows down, not just this item. */
      rateLimited: boolean;
    };

/**
 * The verdict fills in a default wait when eBay sent no Retry-After (lib/tokens/verdict.ts), e.g. 60 s for
 * a 5xx and 900 s for a rate limit. Those defaults suit the scheduler's next visit, not a run someone is
 * watching, so a run uses its own exponential backoff unless eBay itself said how long to wait, which is
 * honoured as the minimum wait.
 */
export function explicitRetryAfterSeconds(outcome: CheckOutcome): number | undefined {
  return outcome.retryAfterFromEbay ? outcome.retryAfterSeconds : undefined;
}

export function decideRetry(outcome: CheckOutcome, attemptsSoFar: number, settings: CheckRunSettings): RetryDecision {
  if (outcome.status !== "ebay_unavailable") return { kind: "final" };
  // The app's own keys being refused is the operator's problem: asking again changes nothing.
  if (outcome.cause === "app_credentials_invalid") return { kind: "final" };
  if (attemptsSoFar >= settings.maxAttempts) return { kind: "final" };
  const explicit = explicitRetryAfterSeconds(outcome);
  // Waiting longer than this would hold the run open for ages: the scheduler's next visit retries instead.
  if (explicit !== undefined && explicit > settings.maxRetryWaitSeconds) return { kind: "final" };
  const backoffMs = settings.retryBaseMs * 2 ** Math.max(0, attemptsSoFar - 1);
  return {
    kind: "retry",
    delayMs: Math.max(backoffMs, (explicit ?? 0) * 1000),
    rateLimited: outcome.cause === "rate_limited",
  };
}
