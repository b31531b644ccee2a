import "server-only";
// What eBay pushes to POST /api/ebay/notifications, checked and queued. Verification happens here, before anything is
// stored; the work itself is a queue job (lib/notifications/notification-task.ts), so eBay gets its answer at once and
// a notification eBay delivers again (a retry, a duplicate) is recorded and worked once, by its id.
import { XMLParser } from "fast-xml-parser";
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { now } from "@/lib/clock";
import { addJobSql } from "@/lib/jobs/add-job";
import { verifyNotificationSignature, verifyPlatformNotificationSignature } from "@/lib/ebay/notifications";
import { REVOKE_REASONS } from "@/lib/tokens/verdict";
import { TOKEN_STATUSES } from "@/lib/ebay/trading";
import { ebayNotificationJob, type NotificationJobPayload } from "@/lib/notifications/notification-jobs";

export type ReceiveOutcome =
  /** Verified; queued now or already before (a repeat). */
  | { kind: "accepted"; topic: string; repeated: boolean }
  /** Verified, but a topic ChannelKeys does not act on: acknowledged so eBay does not retry it. */
  | { kind: "ignored" }
  /** Signature missing or wrong: 412, nothing stored. */
  | { kind: "bad_signature" }
  /** Not a notification at all. */
  | { kind: "malformed"; reason: string };

/** A Platform Notification's Timestamp further than this from our clock is a replay, not a delivery. */
const PLATFORM_TIMESTAMP_TOLERANCE_MS = 15 * 60 * 1000;

const isoDate = z.string().refine((value) => !Number.isNaN(Date.parse(value)), "not a date");

const notificationApiBody = z.object({
  metadata: z.object({ topic: z.string().min(1).max(100) }).passthrough(),
  notification: z
    .object({
      notificationId: z.string().min(1).max(200),
      eventDate: isoDate.optional(),
      data: z
        .object({
          username: z.string().max(200).optional(),
          userId: z.string().max(200).optional(),
          eiasToken: z.string().max(500).optional(),
          revokeReason: z.string().max(100).optional(),
          revocationDate: isoDate.optional(),
        })
        .passthrough(),
    })
    .passthrough(),
});

/** MARKETPLACE_ACCOUNT_DELETION and AUTHORIZATION_REVOCATION: signed JSON (X-EBAY-SIGNATURE over the exact bytes). */
export async function receiveNotificationApiMessage(db: Db, input: { signature: string | null; body: Buffer }): Promise<ReceiveOutcome> {
  // Signature first: nothing unverified is parsed into anything that is stored.
  if (!(await verifyNotificationSignature(input.signature, input.body))) return { kind: "bad_signature" };
  let parsed: z.infer<typeof notificationApiBody>;
  try {
    parsed = notificationApiBody.parse(JSON.parse(input.body.toString("utf8")));
  } catch {
    return { kind: "malformed", reason: "not an eBay Notification API message" };
  }
  const { topic } = parsed.metadata;
  const { notificationId, data } = parsed.notification;
  if (topic === "MARKETPLACE_ACCOUNT_DELETION") {
    if (!data.userId && !data.eiasToken) return { kind: "malformed", reason: "no userId or eiasToken" };
    return enqueue(db, notificationId, {
      topic,
      notificationId,
      ...(data.userId ? { userId: data.userId } : {}),
      ...(data.eiasToken ? { eiasToken: data.eiasToken } : {}),
    });
  }
  if (topic === "AUTHORIZATION_REVOCATION") {
    const reason = REVOKE_REASONS.find((candidate) => candidate === data.revokeReason);
    if (!data.userId || !reason) return { kind: "malformed", reason: "no userId or unknown revokeReason" };
    const revokedAt = data.revocationDate ?? parsed.notification.eventDate;
    return enqueue(db, notificationId, {
      topic,
      notificationId,
      userId: data.userId,
      ...(data.eiasToken ? { eiasToken: data.eiasToken } : {}),
      revokeReason: reason,
      ...(revokedAt ? { revokedAt } : {}),
    });
  }
  return { kind: "ignored" };
}

const soapParser = new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false, trimValues: true });

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
}

function child(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/**
 * Legacy Platform Notifications (SOAP), of which ChannelKeys acts on TokenRevocation: NotificationSignature =
 * base64(MD5(Timestamp + DevId + AppId + CertId)) with our own keys, and a Timestamp near our clock.
 */
export async function receivePlatformNotification(db: Db, input: { body: Buffer }): Promise<ReceiveOutcome> {
  let envelope: unknown;
  try {
    envelope = child(soapParser.parse(input.body.toString("utf8")), "Envelope");
  } catch {
    return { kind: "malformed", reason: "not XML" };
  }
  const signature = text(child(child(child(envelope, "Header"), "RequesterCredentials"), "NotificationSignature"));
  const body = child(envelope, "Body");
  const message = typeof body === "object" && body !== null ? Object.values(body as Record<string, unknown>).find((value) => typeof value === "object") : undefined;
  const timestamp = text(child(message, "Timestamp"));
  if (!signature || !timestamp) return { kind: "bad_signature" };
  if (!verifyPlatformNotificationSignature(timestamp, signature)) return { kind: "bad_signature" };
  const sentAt = Date.parse(timestamp);
  if (Number.isNaN(sentAt) || Math.abs(sentAt - now().getTime()) > PLATFORM_TIMESTAMP_TOLERANCE_MS) return { kind: "bad_signature" };

  if (text(child(message, "NotificationEventName")) !== "TokenRevocation") return { kind: "ignored" };
  const tokenStatus = child(message, "TokenStatus");
  const status = text(child(tokenStatus, "Status"));
  const eiasToken = text(child(tokenStatus, "EIASToken"));
  const expirationTime = text(child(tokenStatus, "ExpirationTime"));
  const revocationTime = text(child(tokenStatus, "RevocationTime"));
  if (!status || !(TOKEN_STATUSES as readonly string[]).includes(status) || !eiasToken) {
    return { kind: "malformed", reason: "TokenRevocation without a known Status or an EIASToken" };
  }
  // Retries keep the CorrelationID (and get a new Timestamp): it is the delivery's identity. Without one, the
  // message's content stands in.
  const correlationId = text(child(message, "CorrelationID")) ?? createHash("sha256").update(`${eiasToken}|${status}|${revocationTime ?? ""}`).digest("hex");
  const notificationId = `TokenRevocation:${correlationId}`;
  return enqueue(db, notificationId, {
    topic: "TokenRevocation",
    notificationId,
    eiasToken,
    tokenStatus: status,
    ...(expirationTime && !Number.isNaN(Date.parse(expirationTime)) ? { expiresAt: new Date(expirationTime).toISOString() } : {}),
    ...(revocationTime && !Number.isNaN(Date.parse(revocationTime)) ? { revokedAt: new Date(revocationTime).toISOString() } : {}),
  });
}

/** Records the notification once (its id is unique) and, only the first time, queues its job in the same transaction. */
async function enqueue(db: Db, notificationId: string, payload: NotificationJobPayload): Promise<ReceiveOutcome> {
  const inserted = await db.$transaction(async (transaction) => {
    const rows = await transaction.$executeRaw(Prisma.sql`
      INSERT INTO "EbayNotification" ("id", "notificationId", "topic", "receivedAt")
      VALUES (${`ntf_${createHash("sha256").update(notificationId).digest("hex").slice(0, 24)}`}, ${notificationId}, ${payload.topic}, ${now()})
      ON CONFLICT ("notificationId") DO NOTHING`);
    if (rows === 1) await transaction.$executeRaw(addJobSql(ebayNotificationJob(payload)));
    return rows === 1;
  });
  return { kind: "accepted", topic: payload.topic, repeated: !inserted };
}
