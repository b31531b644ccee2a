import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { loadTokenKeyRing, type TokenKeyRing } from "./token-keys";

// Format: v2.<keyId>.<iv>.<tag>.<ciphertext>, base64url parts. AES-256-GCM with a random 96-bit IV. The additional
// authenticated data is ["v2", keyId, table, column, rowId] (JSON), so a ciphertext opens only under the key id it
// names and only in the table, column and row it was written for: a value copied onto another account, or from
// the access-token column into the refresh-token column, fails authentication. lib/crypto/encrypted-columns.ts
// lists the columns; lib/db.ts supplies the binding on every write and read.
//
// v1 (the format before row binding: AAD "v1.<keyId>") is still opened so existing databases keep working;
// nothing writes it any more, and `npm run keys:rotate` rewrites every v1 value as v2.
const VERSION = "v2";
const LEGACY_VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Where a ciphertext lives: it opens only there. */
export type CipherBinding = { table: string; column: string; rowId: string };

/** Thrown for any ciphertext that cannot be opened. Messages never contain token or key material. */
export class TokenDecryptionError extends Error {
  override name = "TokenDecryptionError";
}

export type TokenCipher = {
  encrypt(plaintext: string, binding: CipherBinding): string;
  /** v2 needs the binding it was written with; v1 ignores it. */
  decrypt(ciphertext: string, binding: CipherBinding): string;
  /** True only for v2 under the current key: anything else is rewritten by rotation. */
  isEncryptedWithCurrentKey(ciphertext: string): boolean;
  /** Id of the key this ciphertext was sealed with, or null if it is in neither format. */
  keyIdOf(ciphertext: string): string | null;
};

function additionalData(version: string, keyId: string, binding: CipherBinding): Buffer {
  if (version === LEGACY_VERSION) return Buffer.from(`${LEGACY_VERSION}.${keyId}`, "utf8");
  // JSON keeps the parts apart whatever characters an id holds ("a.b" + "c" never equals "a" + "b.c").
  return Buffer.from(JSON.stringify([VERSION, keyId, binding.table, binding.column, binding.rowId]), "utf8");
}

export function createTokenCipher(ring: TokenKeyRing): TokenCipher {
  return {
    encrypt(plaintext, binding) {
      assertBinding(binding);
      const { id, key } = ring.current;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData(VERSION, id, binding));
      const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [VERSION, id, b64url(iv), b64url(cipher.getAuthTag()), b64url(sealed)].join(".");
    },
    decrypt(ciphertext, binding) {
      const parts = parse(ciphertext);
      if (parts.version === VERSION) assertBinding(binding);
      const key = ring.byId.get(parts.keyId);
      if (!key) throw new TokenDecryptionError(`Token was encrypted with unknown key id "${parts.keyId}"`);
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, parts.iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(additionalData(parts.version, parts.keyId, binding));
        decipher.setAuthTag(parts.tag);
        return Buffer.concat([decipher.update(parts.sealed), decipher.final()]).toString("utf8");
      } catch {
        throw new TokenDecryptionError(
          "Token ciphertext failed authentication (altered, sealed with a different key, or copied from another row or column)",
        );
      }
    },
    isEncryptedWithCurrentKey(ciphertext) {
      try {
        const parts = parse(ciphertext);
        return parts.version === VERSION && parts.keyId === ring.current.id;
      } catch {
        return false;
      }
    },
    keyIdOf(ciphertext) {
      try {
        return parse(ciphertext).keyId;
      } catch {
        return null;
      }
    },
  };
}

function assertBinding(binding: CipherBinding | undefined): void {
  if (!binding || !binding.table || !binding.column || !binding.rowId) {
    // A programming error (a write path that lost the row id), never something a user caused.
    throw new TokenDecryptionError("Token ciphertext needs its table, column and row id");
  }
}

function parse(ciphertext: string): { version: string; keyId: string; iv: Buffer; tag: Buffer; sealed: Buffer } {
  const parts = ciphertext.split(".");
  const notSealed = () => new TokenDecryptionError(`Token ciphertext is not in the ${VERSION} (or ${LEGACY_VERSION}) format`);
  if (parts.length !== 5 || (parts[0] !== VERSION && parts[0] !== LEGACY_VERSION)) throw notSealed();
  const [version, keyId = "", ivText = "", tagText = "", sealedText = ""] = parts as [string, ...string[]];
  const base64url = /^[A-Za-z0-9_-]*$/;
  if (keyId === "" || ![ivText, tagText, sealedText].every((part) => base64url.test(part))) throw notSealed();
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw notSealed();
  return { version, keyId, iv, tag, sealed: Buffer.from(sealedText, "base64url") };
}

function b64url(bytes: Buffer): string {
  return bytes.toString("base64url");
}

// The process-wide cipher, built from TOKEN_ENCRYPTION_KEYS (or the key file) on first use.
// Tests and scripts replace or reset it through useTokenKeyRing.
let defaultCipher: TokenCipher | undefined;

/** Installs an explicit key ring for the database client; null forgets it so the next use reloads from the environment. */
export function useTokenKeyRing(ring: TokenKeyRing | null): void {
  defaultCipher = ring ? createTokenCipher(ring) : undefined;
}

export function defaultTokenCipher(): TokenCipher {
  defaultCipher ??= createTokenCipher(loadTokenKeyRing());
  return defaultCipher;
}
