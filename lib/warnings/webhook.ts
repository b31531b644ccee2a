// The warning webhook's body and signature as they were before webhook endpoints existed. Endpoints moved from the
// alert settings (format "legacy_warning") still receive warnings in this body, signed with
// X-ChannelKeys-Signature = sha256=HMAC_SHA256(secret, "<timestamp>.<body>") next to the Standard Webhooks headers,
// so a receiver written for the old webhook keeps working.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "X-ChannelKeys-Signature";
export const TIMESTAMP_HEADER = "X-ChannelKeys-Timestamp";
export const DELIVERY_HEADER = "X-ChannelKeys-Delivery";

export type WebhookPayload = {
  type: string;
  workspace: { id: string; name: string };
  account: { id: string; name: string } | null;
  status: string | null;
  cause: string | null;
  title: string;
  message: string;
  fixUrl: string | null;
  sentAt: string;
  /** Slack-compatible: an incoming-webhook URL shows this line as the message. */
  text: string;
};

export function signWebhookBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** For receivers (and tests): constant-time comparison of a received signature. */
export function verifyWebhookSignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhookBody(secret, timestamp, body));
  const received = Buffer.from(signature);
  return expected.length === received.length && timingSafeEqual(expected, received);
}

/** The legacy headers for one delivery. */
export function legacySignatureHeaders(secret: string, timestampSeconds: string, body: string, deliveryId: string): Record<string, string> {
  return {
    [TIMESTAMP_HEADER]: timestampSeconds,
    [SIGNATURE_HEADER]: signWebhookBody(secret, timestampSeconds, body),
    [DELIVERY_HEADER]: deliveryId,
  };
}
