// Token and identifier shapes copied from what eBay hands out, so the product's parsing, storage column sizes and
// URL-encoding are exercised by realistic values ('#', '^', '+', '/' and '=' all appear, as they do on eBay).
import { createHash, randomBytes, randomUUID } from "node:crypto";

const BASE32_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

function base32(bytes: Buffer, length: number): string {
  let out = "";
  for (let index = 0; out.length < length; index++) {
    out += BASE32_ALPHABET[bytes[index % bytes.length]! & 31];
  }
  return out;
}

function upperHex(bytes: number): string {
  return randomBytes(bytes).toString("hex").toUpperCase();
}

function digits(count: number): string {
  let out = "";
  const bytes = randomBytes(count);
  for (const byte of bytes) out += String(byte % 10);
  return out;
}

/** User access tokens are ~2,000 characters on eBay: a gzip-looking base64 blob after the v^1.1 header. */
export function newUserAccessToken(): string {
  return `v^1.1#i^1#p^3#r^1#I^3#f^0#t^H4sIAAAAAAAA/+${randomBytes(1_380).toString("base64")}`;
}

export function newApplicationAccessToken(): string {
  return `v^1.1#i^1#p^1#r^0#I^3#f^0#t^H4sIAAAAAAAA/+${randomBytes(1_020).toString("base64")}`;
}

/** Refresh tokens wrap "R^1_<n>:<32 hex>_0_1#E^260" in base64, exactly as eBay's do. */
export function newRefreshToken(): string {
  const inner = `R^1_${digits(2)}:${upperHex(16)}_0_1#E^260`;
  return `v^1.1#i^1#p^3#r^1#I^3#f^0#t^${Buffer.from(inner).toString("base64")}`;
}

/** Authorization codes: same family as refresh tokens, with '#' that must be URL-encoded in the callback. */
export function newAuthorizationCode(): string {
  const inner = `R^5_${digits(2)}:${upperHex(16)}_${digits(1)}_1#E^260`;
  return `v^1.1#i^1#f^0#r^1#p^3#I^3#t^${Buffer.from(inner).toString("base64")}`;
}

/** Auth'n'Auth tokens: the long "AgAAAA**AQAAAA**aAAAAA**" blobs of the legacy flow. */
export function newAuthNAuthToken(eiasToken: string): string {
  const stamp = randomBytes(6).toString("base64").slice(0, 8);
  return `AgAAAA**AQAAAA**aAAAAA**${stamp}**${eiasToken.replace(/=+$/, "")}**${randomBytes(560).toString("base64")}`;
}

export function newSessionId(): string {
  return `${randomBytes(3).toString("base64")}AA**${randomBytes(16).toString("hex")}`;
}

export function newOpaqueId(): string {
  return randomUUID();
}

/** Stable per username so restarts and resets hand out the same immutable userId. */
export function userIdFor(username: string): string {
  return base32(createHash("sha256").update(`userId:${username.toLowerCase()}`).digest(), 11);
}

export function eiasTokenFor(userId: string): string {
  const hash = createHash("sha256").update(`eias:${userId}`).digest("base64").replace(/=+$/, "");
  return `nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6${hash.slice(0, 18)}nY+seQ==`;
}

// Request ids only need to be unique per process; a counter avoids a crypto call on every response.
const REQUEST_ID_PREFIX = randomBytes(4).toString("hex");
let requestCounter = 0;

export function requestId(): string {
  requestCounter = (requestCounter + 1) % 0x1_0000_0000;
  return REQUEST_ID_PREFIX + requestCounter.toString(16).padStart(8, "0");
}
