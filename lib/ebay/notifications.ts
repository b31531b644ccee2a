// Checking that a pushed notification really comes from eBay.
// - Notification API (MARKETPLACE_ACCOUNT_DELETION, AUTHORIZATION_REVOCATION): X-EBAY-SIGNATURE is base64 JSON
//   {alg:"ecdsa", kid, signature: base64 DER, digest:"SHA1"}; the key is eBay's, fetched by kid from getPublicKey with
//   the application token and cached (eBay's SDKs keep it an hour), and the signature covers the exact body bytes.
// - Platform Notifications (SOAP, e.g. TokenRevocation): NotificationSignature = base64(MD5(Timestamp + DevId + AppId +
//   CertId)), which only eBay and this app can compute.
import { createHash, createPublicKey, timingSafeEqual, verify, type KeyObject } from "node:crypto";
import { withApplicationToken } from "@/lib/ebay/application-token";
import { EbayConfigError, getEbayConfig, type EbayConfig } from "@/lib/ebay/config";
import { malformed, readRestJson, sendEbayRequest } from "@/lib/ebay/http";

export type EbaySignatureHeader = { alg: string; kid: string; signature: string; digest: string };

const KEY_CACHE_MS = 60 * 60 * 1000;
const KID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/** The decoded X-EBAY-SIGNATURE header, or null when it is missing or not eBay's shape. */
export function parseSignatureHeader(header: string | null | undefined): EbaySignatureHeader | null {
  if (!header || header.length > 4096) return null;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(header, "base64").toString("utf8"));
  } catch {
    return null;
  }
  if (typeof decoded !== "object" || decoded === null) return null;
  const fields = decoded as Record<string, unknown>;
  const { alg, kid, signature, digest } = fields;
  if (typeof alg !== "string" || typeof kid !== "string" || typeof signature !== "string" || typeof digest !== "string") return null;
  if (!KID_PATTERN.test(kid)) return null;
  return { alg, kid, signature, digest };
}

type CachedKey = { key: KeyObject; digest: string; fetchedAtMs: number };
const keys = new Map<string, CachedKey>();

/** eBay serves the PEM on one line; node's parser wants the body wrapped at 64 characters between its markers. */
export function normalizePem(pem: string): string {
  const match = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/.exec(pem);
  if (!match) throw new Error("not a PEM public key");
  const body = match[1]!.replace(/\s+/g, "");
  return `-----BEGIN PUBLIC KEY-----\n${body.replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END PUBLIC KEY-----\n`;
}

/**
 * eBay's public key for a kid; null when eBay does not know the kid (404), which is a forged or stale header, not
 * an outage. Transport failures throw EbayApiError: the caller answers so that eBay retries.
 */
export async function getNotificationPublicKey(kid: string, config: EbayConfig = getEbayConfig()): Promise<CachedKey | null> {
  const cachedKey = keys.get(`${config.apiBaseUrl} ${kid}`);
  if (cachedKey && Date.now() - cachedKey.fetchedAtMs < KEY_CACHE_MS) return cachedKey;
  const operation = "notification.getPublicKey";
  const response = await withApplicationToken(config, (accessToken) =>
    sendEbayRequest({
      operation,
      method: "GET",
      url: `${config.apiBaseUrl}/commerce/notification/v1/public_key/${encodeURIComponent(kid)}`,
      headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/json" },
      timeoutMs: config.timeoutMs,
    }),
  );
  if (response.status === 404) return null;
  const body = readRestJson(response, operation) as Record<string, unknown>;
  if (typeof body.key !== "string") throw malformed(operation, response.status, "no key");
  let key: KeyObject;
  try {
    key = createPublicKey(normalizePem(body.key));
  } catch {
    throw malformed(operation, response.status, "the key is not a readable public key");
  }
  const entry = { key, digest: typeof body.digest === "string" ? body.digest : "SHA1", fetchedAtMs: Date.now() };
  keys.set(`${config.apiBaseUrl} ${kid}`, entry);
  return entry;
}

const DIGESTS: Record<string, string> = { SHA1: "sha1", SHA256: "sha256" };

/**
 * True when the header's ECDSA signature over these exact body bytes verifies with eBay's key for its kid.
 * False for a missing, malformed or wrong signature. Throws EbayApiError only when eBay could not be asked.
 */
export async function verifyNotificationSignature(
  header: string | null | undefined,
  rawBody: Buffer,
  config: EbayConfig = getEbayConfig(),
): Promise<boolean> {
  const parsed = parseSignatureHeader(header);
  if (!parsed || parsed.alg.toLowerCase() !== "ecdsa") return false;
  const digest = DIGESTS[parsed.digest.toUpperCase()];
  if (!digest) return false;
  const publicKey = await getNotificationPublicKey(parsed.kid, config);
  if (!publicKey) return false;
  try {
    return verify(digest, rawBody, { key: publicKey.key, dsaEncoding: "der" }, Buffer.from(parsed.signature, "base64"));
  } catch {
    return false;
  }
}

/** base64(MD5(Timestamp + DevId + AppId + CertId)): what eBay puts in a Platform Notification's NotificationSignature. */
export function platformNotificationSignature(timestamp: string, config: EbayConfig = getEbayConfig()): string {
  if (config.devId === undefined) {
    throw new EbayConfigError("EBAY_DEV_ID", "is required to verify eBay Platform Notifications (TokenRevocation)");
  }
  return createHash("md5").update(`${timestamp}${config.devId}${config.clientId}${config.clientSecret}`, "utf8").digest("base64");
}

export function verifyPlatformNotificationSignature(timestamp: string, signature: string, config: EbayConfig = getEbayConfig()): boolean {
  const expected = Buffer.from(platformNotificationSignature(timestamp, config));
  const given = Buffer.from(signature.trim());
  return expected.length === given.length && timingSafeEqual(expected, given);
}

