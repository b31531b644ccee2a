// Handlers of the warning jobs (lib/warnings/warning-jobs.ts).
import { z } from "zod";
import type { JobHelpers } from "graphile-worker";
import type { Db } from "@/lib/db";
import { RetryLater } from "@/lib/jobs/retry-later";
import { now as clockNow } from "@/lib/clock";
import { warningConfigFromEnv } from "@/lib/upkeep/upkeep-config";
import { evaluateWarnings } from "@/lib/warnings/evaluate-warnings";
import { deliverWarning } from "@/lib/warnings/deliver-warning";

const evaluatePayload = z.object({ workspaceId: z.string().min(1) });
const deliverPayload = z.object({ warningId: z.string().min(1) });

export async function runEvaluateWarningsJob(db: Db, payload: unknown): Promise<void> {
  const { workspaceId } = evaluatePayload.parse(payload);
  await evaluateWarnings(db, { now: clockNow(), config: warningConfigFromEnv(), workspaceId });
}

export async function runDeliverWarningJob(db: Db, payload: unknown, helpers: Pick<JobHelpers, "job">): Promise<void> {
  const { warningId } = deliverPayload.parse(payload);
  const outcome = await deliverWarning(db, {
    warningId,
    now: clockNow(),
    config: warningConfigFromEnv(),
    lastAttempt: helpers.job.attempts >= helpers.job.max_attempts,
  });
  if (outcome?.stillDue) throw new RetryLater(outcome.deliveryError ?? "a warning channel is still due");
}
