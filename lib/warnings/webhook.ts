// Outgoing webhook: JSON POST signed like Stripe/Slack signatures so a receiver can prove it came from
// this workspace's ChannelKeys and is fresh: X-ChannelKeys-Signature = sha256=HMAC_SHA256(secret, "<timestamp>.<body>").
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

export class WebhookDeliveryError extends Error {
  override name = "WebhookDeliveryError";
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
  }
}

export type WebhookOptions = {
  timeoutMs: number;
  attempts: number;
  retryBaseMs: number;
  /** Sent as X-ChannelKeys-Delivery so a receiver can drop a retry it already processed. */
  deliveryId: string;
};

/**
 * Posts the payload, retrying network failures, timeouts, 429 and 5xx with exponential backoff
 * (Retry-After honoured up to 30 s). Other answers are final. Redirects are not followed: a webhook
 * URL that redirects is a misconfiguration, and following it would let it point anywhere.
 */
export async function postWebhook(url: string, secret: string, payload: WebhookPayload, options: WebhookOptions): Promise<{ status: number; attempts: number }> {
  const body = JSON.stringify(payload);
  let lastProblem = "not attempted";
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    let retryAfterMs: number | null = null;
    try {
      const response = await fetch(url, {
        method: "POST",
        redirect: "manual",
        signal: AbortSignal.timeout(options.timeoutMs),
        headers: {
          "content-type": "application/json",
          "user-agent": "ChannelKeys-Webhook/1",
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signWebhookBody(secret, timestamp, body),
          [DELIVERY_HEADER]: options.deliveryId,
        },
        body,
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { status: response.status, attempts: attempt };
      lastProblem = `the webhook answered HTTP ${response.status}`;
      const retryable = response.status === 429 || response.status >= 500;
      if (!retryable) throw new WebhookDeliveryError(lastProblem, attempt);
      const retryAfter = Number(response.headers.get("retry-after"));
      if (Number.isFinite(retryAfter) && retryAfter > 0) retryAfterMs = Math.min(retryAfter, 30) * 1000;
    } catch (error) {
      if (error instanceof WebhookDeliveryError) throw error;
      lastProblem = error instanceof Error && error.name === "TimeoutError" ? "the webhook did not answer in time" : "the webhook could not be reached";
    }
    if (attempt < options.attempts) {
      await sleep(retryAfterMs ?? options.retryBaseMs * 2 ** (attempt - 1));
    }
  }
  throw new WebhookDeliveryError(`${lastProblem} (${options.attempts} attempts)`, options.attempts);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
