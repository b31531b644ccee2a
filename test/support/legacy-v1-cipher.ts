import { createCipheriv, randomBytes } from "node:crypto";
import { loadTokenKeyRing } from "@/lib/crypto/token-keys";

/**
 * Seals a value the way releases before row binding did (format v1: AAD "v1.<keyId>", no table, column or row), with
 * the current key of the environment's key ring. Production code never writes v1 any more; tests use this to build
 * the databases those releases left behind.
 */
export function sealLegacyV1(plaintext: string, ring = loadTokenKeyRing()): string {
  const { id, key } = ring.current;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(`v1.${id}`, "utf8"));
  const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", id, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), sealed.toString("base64url")].join(".");
}
