// Marketplace Account Deletion notifications: the public-key endpoint eBay's SDKs verify with, and the sender that
// performs the challenge_code handshake and then POSTs a body signed with ECDSA-SHA1 (X-EBAY-SIGNATURE).
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SellerConfig } from "./config";
import type { EmulatorContext } from "./context";
import { REST_PUBLIC_KEY_NOT_FOUND, restErrors } from "./ebay-errors";
import { sendJson } from "./http";
import { resolveBearer } from "./rest-apis";
import { sendQuotaExceeded } from "./oauth-token";
import { REST_INVALID_ACCESS_TOKEN } from "./ebay-errors";

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  /** PEM on one line, as eBay serves it (its SDKs re-insert the line breaks). */
  publicKeyPem: string;
}

export function createSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
  return { kid: randomUUID(), privateKey, publicKeyPem: pem.replace(/\r?\n/g, "") };
}

/** GET /commerce/notification/v1/public_key/{kid} */
export function handlePublicKey(context: EmulatorContext, key: SigningKey, request: IncomingMessage, response: ServerResponse, kid: string): void {
  const bearer = resolveBearer(context, request);
  if (!bearer.ok) {
    sendJson(response, 401, restErrors(REST_INVALID_ACCESS_TOKEN));
    return;
  }
  if (!context.state.consumeQuota(bearer.token.clientId, "Notification", bearer.token.userId)) {
    sendQuotaExceeded(context, response);
    return;
  }
  if (kid !== key.kid) {
    sendJson(response, 404, restErrors(REST_PUBLIC_KEY_NOT_FOUND));
    return;
  }
  sendJson(response, 200, { key: key.publicKeyPem, algorithm: "ECDSA", digest: "SHA1" });
}

export function challengeResponseFor(challengeCode: string, verificationToken: string, endpoint: string): string {
  return createHash("sha256").update(challengeCode).update(verificationToken).update(endpoint).digest("hex");
}

export function signatureHeader(key: SigningKey, body: string): string {
  const signature = sign("sha1", Buffer.from(body), key.privateKey).toString("base64");
  return Buffer.from(JSON.stringify({ alg: "ecdsa", kid: key.kid, signature, digest: "SHA1" })).toString("base64");
}

export interface DeliveryOutcome {
  notificationId: string;
  endpoint: string;
  challenge: { status: number | null; verified: boolean; error?: string };
  delivery: { status: number | null; delivered: boolean; error?: string };
}

const REQUEST_TIMEOUT_MS = 5_000;

async function attempt(url: string, init: RequestInit): Promise<{ status: number | null; text: string; error?: string }> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), redirect: "manual" });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    return { status: null, text: "", error: error instanceof Error ? error.message : "request failed" };
  }
}

/**
 * Performs the handshake eBay does when an endpoint is registered (GET ?challenge_code=..), then delivers the
 * signed MARKETPLACE_ACCOUNT_DELETION notification. Nothing is delivered to an endpoint that failed the handshake.
 */
export async function sendAccountDeletion(
  context: EmulatorContext,
  key: SigningKey,
  seller: SellerConfig,
  target: { endpoint: string; verificationToken: string },
): Promise<DeliveryOutcome> {
  const notificationId = randomUUID();
  const challengeCode = randomUUID().replace(/-/g, "") + randomUUID().replace(/-/g, "");
  const challengeUrl = new URL(target.endpoint);
  challengeUrl.searchParams.set("challenge_code", challengeCode);
  const challenge = await attempt(challengeUrl.toString(), { method: "GET", headers: { accept: "application/json" } });
  let verified = false;
  if (challenge.status === 200) {
    try {
      const parsed = JSON.parse(challenge.text) as { challengeResponse?: unknown };
      verified = parsed.challengeResponse === challengeResponseFor(challengeCode, target.verificationToken, target.endpoint);
    } catch {
      verified = false;
    }
  }
  const outcome: DeliveryOutcome = {
    notificationId,
    endpoint: target.endpoint,
    challenge: { status: challenge.status, verified, ...(challenge.error ? { error: challenge.error } : {}) },
    delivery: { status: null, delivered: false },
  };
  if (!verified) return outcome;

  const now = context.clock.now().toISOString();
  const body = JSON.stringify({
    metadata: { topic: "MARKETPLACE_ACCOUNT_DELETION", schemaVersion: "1.0", deprecated: false },
    notification: {
      notificationId,
      eventDate: now,
      publishDate: now,
      publishAttemptCount: 1,
      data: { username: seller.username, userId: seller.userId, eiasToken: seller.eiasToken },
    },
  });
  const delivery = await attempt(target.endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", "x-ebay-signature": signatureHeader(key, body) },
    body,
  });
  outcome.delivery = {
    status: delivery.status,
    delivered: delivery.status !== null && delivery.status >= 200 && delivery.status < 300,
    ...(delivery.error ? { error: delivery.error } : {}),
  };
  return outcome;
}
