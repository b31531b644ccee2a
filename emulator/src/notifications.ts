// Notification API wire formats: the public-key endpoint eBay's SDKs verify with, the challenge_code handshake that
// validates a destination, the ECDSA-SHA1 X-EBAY-SIGNATURE header, and the JSON bodies of the topics the emulator
// sends (MARKETPLACE_ACCOUNT_DELETION, AUTHORIZATION_REVOCATION). Sending and retrying live in notification-outbox.ts.
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SellerConfig } from "./config";
import type { EmulatorContext } from "./context";
import { REST_INVALID_ACCESS_TOKEN, REST_PUBLIC_KEY_NOT_FOUND, restErrors } from "./ebay-errors";
import { sendJson } from "./http";
import { sendQuotaExceeded } from "./oauth-token";
import { resolveBearer } from "./rest-apis";
import type { RevokeReason } from "./state";

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

/** The value of X-EBAY-SIGNATURE: base64 of {"alg":"ecdsa","kid","signature":base64 DER,"digest":"SHA1"}. */
export function signatureHeader(kid: string, privateKey: KeyObject, body: string): string {
  const signature = sign("sha1", Buffer.from(body), privateKey).toString("base64");
  return Buffer.from(JSON.stringify({ alg: "ecdsa", kid, signature, digest: "SHA1" })).toString("base64");
}

export type NotificationApiTopic = "MARKETPLACE_ACCOUNT_DELETION" | "AUTHORIZATION_REVOCATION";

/** The envelope every Notification API topic shares; `data` is the topic's payload. */
export function notificationBody(input: {
  topic: NotificationApiTopic;
  notificationId: string;
  eventDate: string;
  publishDate: string;
  publishAttemptCount: number;
  data: Record<string, string>;
}): string {
  return JSON.stringify({
    metadata: { topic: input.topic, schemaVersion: "1.0", deprecated: false },
    notification: {
      notificationId: input.notificationId,
      eventDate: input.eventDate,
      publishDate: input.publishDate,
      publishAttemptCount: input.publishAttemptCount,
      data: input.data,
    },
  });
}

export function accountDeletionData(seller: SellerConfig): Record<string, string> {
  return { username: seller.username, userId: seller.userId, eiasToken: seller.eiasToken };
}

/** [UNCONFIRMED] field order and date format: eBay publishes the field names and the revokeReason values only. */
export function authorizationRevocationData(seller: SellerConfig, reason: RevokeReason, revocationDate: string): Record<string, string> {
  return { username: seller.username, userId: seller.userId, eiasToken: seller.eiasToken, revokeReason: reason, revocationDate };
}
