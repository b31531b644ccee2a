// Outgoing webhook: JSON POST signed like Stripe/Slack signatures so a receiver can prove it came from
// this workspace's ChannelKeys and is fresh: X-ChannelKeys-Signature = sha256=HMAC_SHA256(secret, "<timestamp>.<body>").
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { assertWebhookTarget, guardedLookup, WebhookTargetRefused, type WebhookTargetPolicy } from "@/lib/warnings/webhook-target";

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

export class WebhookDeliveryError extends Error {
  override name = "WebhookDeliveryError";
  /** `cause` keeps the real reason for the server and tests; `message` is what users may see. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type WebhookOptions = {
  timeoutMs: number;
  /** Sent as X-ChannelKeys-Delivery so a receiver can drop a retry it already processed. */
  deliveryId: string;
  /** Private, loopback and plain-http targets (see webhook-target.ts); off unless explicitly enabled. */
  allowPrivateNetworks: boolean;
};

// What a seller sees about a failure: one sentence for every kind. "Refused by policy", "connection refused",
// "no such host", "timed out" and any HTTP status all read the same, so the notifications page cannot be used to
// probe which hosts and ports answer, or to read what a remote server says. The cause stays on the error (for
// the server and tests).
const NOT_ACCEPTED = "the webhook endpoint did not accept the delivery";

/**
 * Posts the payload once; a 2xx is success, anything else a WebhookDeliveryError. Retrying is the queue's
 * (the deliver-warning job is retried with backoff), not this function's. A target the policy refuses is
 * never contacted. Redirects are not followed: a webhook URL that redirects is a misconfiguration, and
 * following it would let it point anywhere.
 */
export async function postWebhook(url: string, secret: string, payload: WebhookPayload, options: WebhookOptions): Promise<{ status: number }> {
  const body = JSON.stringify(payload);
  const policy = { allowPrivateNetworks: options.allowPrivateNetworks };
  let target: URL;
  try {
    target = new URL(url);
    assertWebhookTarget(target, policy);
  } catch (error) {
    throw new WebhookDeliveryError(NOT_ACCEPTED, { cause: error });
  }
  const timestamp = String(Math.floor(Date.now() / 1000));
  let status: number;
  try {
    ({ status } = await sendOnce(target, policy, options.timeoutMs, body, {
      "content-type": "application/json",
      "user-agent": "ChannelKeys-Webhook/1",
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signWebhookBody(secret, timestamp, body),
      [DELIVERY_HEADER]: options.deliveryId,
    }));
  } catch (error) {
    throw new WebhookDeliveryError(NOT_ACCEPTED, { cause: error });
  }
  if (status >= 200 && status < 300) return { status };
  throw new WebhookDeliveryError(NOT_ACCEPTED, { cause: new Error(`HTTP ${status}`) });
}

/**
 * One POST over node:http(s) rather than fetch, because only a request's own `lookup` hook sees the
 * address the socket will connect to. No agent: a pooled socket could outlive the check it passed.
 */
function sendOnce(
  target: URL,
  policy: WebhookTargetPolicy,
  timeoutMs: number,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const send = target.protocol === "https:" ? https.request : http.request;
    const request = send(
      target,
      {
        method: "POST",
        agent: false,
        lookup: guardedLookup(target.protocol, policy),
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
      },
      (response) => {
        // The answer's body is not needed; drain it (never buffer it) so the socket closes.
        response.resume();
        response.on("error", () => undefined);
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0 });
        request.destroy();
      },
    );
    const timer = setTimeout(() => request.destroy(new Error("webhook timed out")), timeoutMs);
    request.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(body);
  });
}
