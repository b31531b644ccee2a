// The queue jobs behind warnings: evaluating a workspace's account states soon after a check changed one (the
// minute-by-minute upkeep also evaluates every workspace, for holds that run out with time), and delivering each
// raised warning. Their handlers are in lib/warnings/warning-tasks.ts.
import type { JobSpec } from "@/lib/jobs/add-job";

/** How long after a state change its evaluation waits, so a burst of checks is evaluated once (WARNING_EVALUATION_DELAY_MS). */
function evaluationDelayMs(): number {
  const configured = Number(process.env.WARNING_EVALUATION_DELAY_MS);
  return Number.isFinite(configured) && configured >= 0 ? configured : 2_000;
}

/**
 * About a day of retries with the queue's exponential backoff (e^attempt seconds, at most e^10 ≈ 6 h apart):
 * 13 attempts span ~22 hours.
 */
export const WARNING_DELIVERY_ATTEMPTS = 13;

export function warningEvaluationJob(workspaceId: string): JobSpec {
  return {
    task: "evaluate-warnings",
    payload: { workspaceId },
    // One pending evaluation per workspace: a burst of state changes keeps the first one's time.
    jobKey: `evaluate-warnings:${workspaceId}`,
    jobKeyMode: "preserve_run_at",
    runAt: new Date(Date.now() + evaluationDelayMs()),
  };
}

export function deliverWarningJob(warningId: string): JobSpec {
  return {
    task: "deliver-warning",
    payload: { warningId },
    jobKey: `deliver-warning:${warningId}`,
    jobKeyMode: "unsafe_dedupe",
    maxAttempts: WARNING_DELIVERY_ATTEMPTS,
  };
}
