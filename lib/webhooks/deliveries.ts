// Connection events to webhook endpoints. queueWebhookEvent writes one WebhookDelivery per subscribed endpoint and
// one deliver-webhook job per delivery, on the caller's client or transaction (so an event exists exactly when the
// change it reports does). The job signs the stored body the Standard Webhooks way (webhook-id = the delivery's
// messageId, the same on every retry and redelivery so receivers can drop duplicates; webhook-timestamp = the
// attempt's real time; webhook-signature = v1,HMAC-SHA256) and posts it through the SSRF guard. The queue retries
// a failure with backoff for about a day; every attempt's HTTP status is kept on the row.
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import type { Db, DbTransaction } from "@/lib/db";
import { now as clockNow } from "@/lib/clock";
import type { Prisma } from "@/lib/generated/prisma/client";
import { addJob, type JobSpec } from "@/lib/jobs/add-job";
import { RetryLater } from "@/lib/jobs/retry-later";
import { warningConfigFromEnv } from "@/lib/upkeep/upkeep-config";
import { legacySignatureHeaders, type WebhookPayload } from "@/lib/warnings/webhook";
import { webhookPrivateTargetsAllowed } from "@/lib/warnings/webhook-target";
import { sendWebhook, WebhookDeliveryError } from "@/lib/webhooks/send";
import type { WebhookEventType } from "@/lib/webhooks/events";

/** About a day of retries with the queue's exponential backoff (as warning emails: 13 attempts span ~22 hours). */
export const WEBHOOK_DELIVERY_ATTEMPTS = 13;

export type WebhookEvent = {
  workspaceId: string;
  type: WebhookEventType;
  /** The event's facts: ids, names, statuses. Never a token or a secret. */
  data: Record<string, unknown>;
  /** For endpoints moved from the old alert settings: the body they received before (warnings only). */
  legacyWarningBody?: WebhookPayload;
};

type Writer = Db | DbTransaction;

export function deliverWebhookJob(deliveryId: string): JobSpec {
  return {
    task: "deliver-webhook",
    payload: { deliveryId },
    jobKey: `deliver-webhook:${deliveryId}`,
    jobKeyMode: "replace",
    maxAttempts: WEBHOOK_DELIVERY_ATTEMPTS,
  };
}

export function newMessageId(): string {
  return `msg_${randomBytes(16).toString("base64url")}`;
}

/** Queues the event for every enabled endpoint of the workspace subscribed to it. Returns the deliveries made. */
export async function queueWebhookEvent(client: Writer, event: WebhookEvent, at: Date = clockNow()): Promise<string[]> {
  const endpoints = await client.webhookEndpoint.findMany({
    where: { workspaceId: event.workspaceId, disabledAt: null, events: { has: event.type } },
    select: { id: true, format: true },
  });
  const ids: string[] = [];
  for (const endpoint of endpoints) {
    const payload =
      endpoint.format === "legacy_warning" && event.legacyWarningBody
        ? event.legacyWarningBody
        : { type: event.type, timestamp: at.toISOString(), data: event.data };
    const delivery = await client.webhookDelivery.create({
      data: {
        workspaceId: event.workspaceId,
        endpointId: endpoint.id,
        messageId: newMessageId(),
        eventType: event.type,
        payload: payload as Prisma.InputJsonObject,
        createdAt: at,
      },
      select: { id: true },
    });
    await addJob(client, deliverWebhookJob(delivery.id));
    ids.push(delivery.id);
  }
  return ids;
}

/**
 * queueWebhookEvent for callers outside a transaction whose own change is already stored: a failure here is logged
 * by the caller's error handling, never undoes that change.
 */
export async function queueWebhookEventInTransaction(db: Db, event: WebhookEvent): Promise<void> {
  await db.$transaction(async (transaction) => {
    await queueWebhookEvent(transaction, event);
  });
}

/** The signer for an endpoint's secret: whsec_<base64> for endpoints made here, the raw text for moved ones. */
export function signerFor(secret: string, format: string): Webhook {
  return format === "legacy_warning" ? new Webhook(secret, { format: "raw" }) : new Webhook(secret);
}

export type DeliveryAttempt = { status: "succeeded" | "failed" | "retry"; statusCode: number | null; error: string | null };

export type DeliverWebhookInput = {
  deliveryId: string;
  /** The queue will not try again after this attempt. */
  lastAttempt: boolean;
  allowPrivateNetworks?: boolean;
  timeoutMs?: number;
};

/** One attempt at one delivery. Null when there is nothing to send (gone, or already delivered). */
export async function deliverWebhook(db: Db, input: DeliverWebhookInput): Promise<DeliveryAttempt | null> {
  const delivery = await db.webhookDelivery.findUnique({
    where: { id: input.deliveryId },
    select: {
      id: true,
      messageId: true,
      status: true,
      payload: true,
      endpoint: { select: { id: true, url: true, format: true, signingSecret: true, disabledAt: true } },
    },
  });
  if (!delivery || delivery.status === "succeeded") return null;
  const endpoint = delivery.endpoint;
  const body = JSON.stringify(delivery.payload);
  // The attempt's real time, not the app's (test) clock: receivers compare it with their own clock.
  const sentAt = new Date();
  let attempt: DeliveryAttempt;
  if (endpoint.disabledAt) {
    attempt = { status: "failed", statusCode: null, error: "the endpoint is disabled" };
  } else {
    try {
      const signer = signerFor(endpoint.signingSecret, endpoint.format);
      const headers: Record<string, string> = {
        "webhook-id": delivery.messageId,
        "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
        "webhook-signature": signer.sign(delivery.messageId, sentAt, body),
        ...(endpoint.format === "legacy_warning"
          ? legacySignatureHeaders(endpoint.signingSecret, String(Math.floor(sentAt.getTime() / 1000)), body, delivery.messageId)
          : {}),
      };
      const config = warningConfigFromEnv();
      const { status } = await sendWebhook(endpoint.url, body, headers, {
        timeoutMs: input.timeoutMs ?? config.webhookTimeoutMs,
        allowPrivateNetworks: input.allowPrivateNetworks ?? webhookPrivateTargetsAllowed(),
      });
      attempt = { status: "succeeded", statusCode: status, error: null };
    } catch (error) {
      const message = error instanceof WebhookDeliveryError ? error.message : "delivery failed unexpectedly";
      const statusCode = error instanceof WebhookDeliveryError ? (error.statusCode ?? null) : null;
      attempt = { status: input.lastAttempt ? "failed" : "retry", statusCode, error: message };
    }
  }
  const at = clockNow();
  await db.webhookDelivery.updateMany({
    where: { id: delivery.id, status: { not: "succeeded" } },
    data: {
      attempts: { increment: 1 },
      lastAttemptAt: at,
      lastStatusCode: attempt.statusCode,
      lastError: attempt.error,
      status: attempt.status === "retry" ? "pending" : attempt.status,
      ...(attempt.status === "succeeded" ? { succeededAt: at } : {}),
    },
  });
  return attempt;
}

/** Puts a delivery back on the queue (the "Redeliver" button): same body, same webhook-id, a fresh day of retries. */
export async function redeliverWebhook(db: Db, input: { workspaceId: string; deliveryId: string }): Promise<boolean> {
  return db.$transaction(async (transaction) => {
    const updated = await transaction.webhookDelivery.updateMany({
      where: { id: input.deliveryId, workspaceId: input.workspaceId },
      data: { status: "pending", succeededAt: null },
    });
    if (updated.count !== 1) return false;
    await addJob(transaction, deliverWebhookJob(input.deliveryId));
    return true;
  });
}

export async function runDeliverWebhookJob(db: Db, payload: unknown, helpers: { job: { attempts: number; max_attempts: number } }): Promise<void> {
  const deliveryId = typeof payload === "object" && payload !== null ? (payload as { deliveryId?: unknown }).deliveryId : undefined;
  if (typeof deliveryId !== "string" || deliveryId === "") throw new Error("deliver-webhook: payload without deliveryId");
  const attempt = await deliverWebhook(db, { deliveryId, lastAttempt: helpers.job.attempts >= helpers.job.max_attempts });
  if (attempt?.status === "retry") throw new RetryLater(`webhook delivery ${deliveryId}: ${attempt.error}`);
}
