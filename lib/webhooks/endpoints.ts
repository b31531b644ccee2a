import "server-only";
// Webhook endpoints of a workspace: created with a whsec_ signing secret shown once (sealed at rest by lib/db.ts),
// subscribed to events, enabled or disabled, deleted; every change in the history without the secret.
import { randomBytes } from "node:crypto";
import type { Db } from "@/lib/db";
import { now } from "@/lib/clock";
import { recordAuditEvent } from "@/lib/audit/record";
import { UserFacingError } from "@/lib/actions/user-facing-error";
import type { WebhookEventType } from "@/lib/webhooks/events";

export type Actor = { userId: string | null; label: string };

export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

export async function createWebhookEndpoint(
  db: Db,
  input: { workspaceId: string; url: string; description: string; events: WebhookEventType[]; actor: Actor },
): Promise<{ id: string; signingSecret: string }> {
  const signingSecret = newSigningSecret();
  const events = [...new Set(input.events)].sort();
  const id = await db.$transaction(async (transaction) => {
    const created = await transaction.webhookEndpoint.create({
      data: { workspaceId: input.workspaceId, url: input.url, description: input.description, events, signingSecret, createdAt: now() },
      select: { id: true },
    });
    await recordAuditEvent(transaction, {
      workspaceId: input.workspaceId,
      actorUserId: input.actor.userId,
      actorLabel: input.actor.label,
      action: "webhook_endpoint_create",
      outcome: "success",
      detail: `Webhook endpoint ${input.url} added for ${events.join(", ")}.`,
      changes: { endpoint: [null, { url: input.url, events }] },
    });
    return created.id;
  });
  return { id, signingSecret };
}

export async function updateWebhookEndpoint(
  db: Db,
  input: { workspaceId: string; endpointId: string; events?: WebhookEventType[]; enabled?: boolean; actor: Actor },
): Promise<void> {
  const endpoint = await db.webhookEndpoint.findFirst({ where: { id: input.endpointId, workspaceId: input.workspaceId } });
  if (!endpoint) throw new UserFacingError("That webhook endpoint was not found in this workspace.", "not_found");
  const events = input.events ? [...new Set(input.events)].sort() : endpoint.events;
  const disabledAt = input.enabled === undefined ? endpoint.disabledAt : input.enabled ? null : (endpoint.disabledAt ?? now());
  const changes: Record<string, [unknown, unknown]> = {};
  if (events.join(",") !== endpoint.events.join(",")) changes.events = [endpoint.events, events];
  if (Boolean(disabledAt) !== Boolean(endpoint.disabledAt)) changes.enabled = [!endpoint.disabledAt, !disabledAt];
  if (Object.keys(changes).length === 0) return;
  await db.$transaction(async (transaction) => {
    const updated = await transaction.webhookEndpoint.updateMany({
      where: { id: endpoint.id, workspaceId: input.workspaceId, updatedAt: endpoint.updatedAt },
      data: { events, disabledAt },
    });
    if (updated.count !== 1) throw new UserFacingError("The endpoint changed meanwhile. Reload the page.", "conflict");
    await recordAuditEvent(transaction, {
      workspaceId: input.workspaceId,
      actorUserId: input.actor.userId,
      actorLabel: input.actor.label,
      action: "webhook_endpoint_update",
      outcome: "success",
      detail: `Webhook endpoint ${endpoint.url} changed.`,
      changes,
    });
  });
}

export async function deleteWebhookEndpoint(db: Db, input: { workspaceId: string; endpointId: string; actor: Actor }): Promise<boolean> {
  const endpoint = await db.webhookEndpoint.findFirst({ where: { id: input.endpointId, workspaceId: input.workspaceId } });
  if (!endpoint) return false;
  await db.$transaction(async (transaction) => {
    const deleted = await transaction.webhookEndpoint.deleteMany({ where: { id: endpoint.id, workspaceId: input.workspaceId } });
    if (deleted.count !== 1) return;
    await recordAuditEvent(transaction, {
      workspaceId: input.workspaceId,
      actorUserId: input.actor.userId,
      actorLabel: input.actor.label,
      action: "webhook_endpoint_delete",
      outcome: "success",
      detail: `Webhook endpoint ${endpoint.url} deleted.`,
      changes: { endpoint: [{ url: endpoint.url, events: endpoint.events }, null] },
    });
  });
  return true;
}

export type WebhookEndpointView = {
  id: string;
  url: string;
  description: string;
  format: string;
  events: string[];
  enabled: boolean;
  createdAt: string;
  deliveries: Array<{
    id: string;
    messageId: string;
    eventType: string;
    status: string;
    attempts: number;
    lastStatusCode: number | null;
    lastError: string | null;
    lastAttemptAt: string | null;
    createdAt: string;
  }>;
};

export async function listWebhookEndpoints(db: Db, workspaceId: string): Promise<WebhookEndpointView[]> {
  const endpoints = await db.webhookEndpoint.findMany({
    where: { workspaceId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    include: { deliveries: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 25 } },
  });
  return endpoints.map((endpoint) => ({
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    format: endpoint.format,
    events: endpoint.events,
    enabled: endpoint.disabledAt === null,
    createdAt: endpoint.createdAt.toISOString(),
    deliveries: endpoint.deliveries.map((delivery) => ({
      id: delivery.id,
      messageId: delivery.messageId,
      eventType: delivery.eventType,
      status: delivery.status,
      attempts: delivery.attempts,
      lastStatusCode: delivery.lastStatusCode,
      lastError: delivery.lastError,
      lastAttemptAt: delivery.lastAttemptAt?.toISOString() ?? null,
      createdAt: delivery.createdAt.toISOString(),
    })),
  }));
}
