// One webhook POST to a seller-chosen URL, through the SSRF guard of lib/warnings/webhook-target.ts: the target is
// checked before connecting and inside the connection's own DNS lookup, so the socket only reaches an allowed address.
import http from "node:http";
import https from "node:https";
import { assertWebhookTarget, guardedLookup, type WebhookTargetPolicy } from "@/lib/warnings/webhook-target";

export class WebhookDeliveryError extends Error {
  override name = "WebhookDeliveryError";
  /** The HTTP status when the endpoint answered (not 2xx), else undefined. */
  readonly statusCode: number | undefined;
  /** `cause` keeps the real reason for the server and tests; `message` is what users may see. */
  constructor(message: string, options?: { cause?: unknown; statusCode?: number }) {
    super(message, options);
    this.statusCode = options?.statusCode;
  }
}

export type SendWebhookOptions = {
  timeoutMs: number;
  /** Private, loopback and plain-http targets (see webhook-target.ts); off unless explicitly enabled. */
  allowPrivateNetworks: boolean;
};

// What a seller sees about a failure. Deliberately coarse: "refused by policy", "connection refused",
// "no such host" and "timed out" all read the same, so the deliveries list cannot be used to probe
// which internal hosts and ports exist. Only an HTTP error status is shown (the host passed the policy).
export const UNREACHABLE = "the webhook endpoint could not be reached or did not answer in time";

/**
 * Posts `body` once; a 2xx is success, anything else a WebhookDeliveryError. Retrying is the queue's, not this
 * function's. A target the policy refuses is never contacted. Redirects are not followed: a webhook URL that
 * redirects is a misconfiguration, and following it would let it point anywhere.
 */
export async function sendWebhook(url: string, body: string, headers: Record<string, string>, options: SendWebhookOptions): Promise<{ status: number }> {
  const policy = { allowPrivateNetworks: options.allowPrivateNetworks };
  let target: URL;
  try {
    target = new URL(url);
    assertWebhookTarget(target, policy);
  } catch (error) {
    throw new WebhookDeliveryError(UNREACHABLE, { cause: error });
  }
  let status: number;
  try {
    ({ status } = await sendOnce(target, policy, options.timeoutMs, body, {
      "content-type": "application/json",
      "user-agent": "ChannelKeys-Webhook/2",
      ...headers,
    }));
  } catch (error) {
    throw new WebhookDeliveryError(UNREACHABLE, { cause: error });
  }
  if (status >= 200 && status < 300) return { status };
  throw new WebhookDeliveryError(status >= 400 ? `the webhook answered HTTP ${status}` : "the webhook endpoint did not accept the message", {
    statusCode: status,
  });
}

/**
 * One POST over node:http(s) rather than fetch, because only a request's own `lookup` hook sees the
 * address the socket will connect to. No agent: a pooled socket could outlive the check it passed.
 */
function sendOnce(target: URL, policy: WebhookTargetPolicy, timeoutMs: number, body: string, headers: Record<string, string>): Promise<{ status: number }> {
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
