import "server-only";
import type { Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { recordAuditEvent } from "@/lib/audit/record";
import { summarizeCheckRun } from "@/lib/checks/run-summary";
import { CHECK_RUN_PROGRESS_CHANNEL } from "@/lib/checks/run-progress-channel";
import { queueWebhookEventInTransaction } from "@/lib/webhooks/deliveries";

/**
 * Ends the run once none of its items is pending or running: completed, or cancelled if a cancel was asked for.
 * Called after every item's end; the compare-and-set lets exactly one caller end it and write its summary, and the
 * last item to finish always sees every other item finished (each caller looks after its own item committed).
 */
export async function finishCheckRunIfDone(db: Db, runId: string): Promise<boolean> {
  const ended = await db.$queryRaw<Array<{ status: string; workspaceId: string; createdById: string | null; createdByLabel: string }>>(Prisma.sql`
    UPDATE "CheckRun" SET
      "status" = CASE WHEN "status" = 'cancelling' THEN 'cancelled' ELSE 'completed' END,
      "finishedAt" = ${new Date()},
      "done" = (SELECT count(*) FROM "CheckRunItem" WHERE "runId" = ${runId} AND "status" = 'done')
    WHERE "id" = ${runId} AND "status" IN ('queued', 'running', 'cancelling')
      AND NOT EXISTS (SELECT 1 FROM "CheckRunItem" WHERE "runId" = ${runId} AND "status" IN ('pending', 'running'))
    RETURNING "status", "workspaceId", "createdById", "createdByLabel"`);
  const run = ended[0];
  if (!run) return false;
  const summary = summarizeCheckRun(
    await db.checkRunItem.findMany({ where: { runId }, select: { status: true, verdict: true, cause: true } }),
  );
  const parts = [
    `${summary.healthy} healthy`,
    `${summary.needsReauth} need re-authorization`,
    `${summary.ebayUnavailable} eBay unavailable`,
    ...(summary.notChecked > 0 ? [`${summary.notChecked} not checked`] : []),
    ...(summary.cancelled > 0 ? [`${summary.cancelled} cancelled`] : []),
  ];
  await recordAuditEvent(db, {
    workspaceId: run.workspaceId,
    actorUserId: run.createdById,
    actorLabel: run.createdByLabel,
    action: "check_run_finish",
    outcome: summary.needsReauth > 0 || summary.ebayUnavailable > 0 ? "failure" : "success",
    detail: `${run.status === "cancelled" ? "Cancelled" : "Finished"} after checking ${summary.finished} of ${summary.total}: ${parts.join(", ")}.`,
    runId,
  });
  await db.$executeRaw(Prisma.sql`SELECT pg_notify(${CHECK_RUN_PROGRESS_CHANNEL}, ${runId})`);
  await queueWebhookEventInTransaction(db, {
    workspaceId: run.workspaceId,
    type: "check_run.completed",
    data: {
      checkRun: { id: runId, status: run.status, total: summary.total, finished: summary.finished },
      summary: { healthy: summary.healthy, needsReauth: summary.needsReauth, ebayUnavailable: summary.ebayUnavailable, notChecked: summary.notChecked, cancelled: summary.cancelled },
    },
  });
  return true;
}
