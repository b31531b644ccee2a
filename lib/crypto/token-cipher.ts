import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { loadTokenKeyRing, type TokenKeyRing } from "./token-keys";

// Format: v1.<keyId>.<iv>.<tag>.<ciphertext>, base64url parts. AES-256-GCM with a random 96-bit IV;
// "v1.<keyId>" is the additional authenticated data, so a ciphertext cannot be relabelled to another key.
const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Thrown for any ciphertext that cannot be opened. Messages never contain token or key material. */
export class TokenDecryptionError extends Error {
  override name = "TokenDecryptionError";
}

export type TokenCipher = {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
  isEncryptedWithCurrentKey(ciphertext: string): boolean;
  /** Id of the key this ciphertext was sealed with, or null if it is not in the v1 format. */
  keyIdOf(ciphertext: string): string | null;
};

export function createTokenCipher(ring: TokenKeyRing): TokenCipher {
  return {
    encrypt(plaintext) {
      const { id, key } = ring.current;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(`${VERSION}.${id}`, "utf8"));
      const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [VERSION, id, b64url(iv), b64url(cipher.getAuthTag()), b64url(sealed)].join(".");
    },
    decrypt(ciphertext) {
      const parts = parse(ciphertext);
      const key = ring.byId.get(parts.keyId);
      if (!key) throw new TokenDecryptionError(`Token was encrypted with unknown key id "${parts.keyId}"`);
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, parts.iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(`${VERSION}.${parts.keyId}`, "utf8"));
        decipher.setAuthTag(parts.tag);
        return Buffer.concat([decipher.update(parts.sealed), decipher.final()]).toString("utf8");
      } catch {
        throw new TokenDecryptionError("Token ciphertext failed authentication (altered, or sealed with a different key)");
      }
    },
    isEncryptedWithCurrentKey(ciphertext) {
      return this.keyIdOf(ciphertext) === ring.current.id;
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

function parse(ciphertext: string): { keyId: string; iv: Buffer; tag: Buffer; sealed: Buffer } {
  const parts = ciphertext.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION) {
    throw new TokenDecryptionError(`Token ciphertext is not in the ${VERSION} format`);
  }
  const [, keyId = "", ivText = "", tagText = "", sealedText = ""] = parts;
  const base64url = /^[A-Za-z0-9_-]*$/;
  if (keyId === "" || ![ivText, tagText, sealedText].every((part) => base64url.test(part))) {
    throw new TokenDecryptionError(`Token ciphertext is not in the ${VERSION} format`);
  }
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new TokenDecryptionError(`Token ciphertext is not in the ${VERSION} format`);
  }
  return { keyId, iv, tag, sealed: Buffer.from(sealedText, "base64url") };
}

function b64url(bytes: Buffer): string {
  return bytes.toString("base64url");
}

// The process-wide cipher, built from TOKEN_ENCRYPTION_KEYS (or the key file) on first use.
// Tests and scripts replace or reset it through useTokenKeyRing.
let defaultCipher: TokenCipher | undefined;

/** Installs an explicit key ring for encryptToken/decryptToken; null forgets it so the next use reloads from the environment. */
export function useTokenKeyRing(ring: TokenKeyRing | null): void {
  defaultCipher = ring ? createTokenCipher(ring) : undefined;
}

export function defaultTokenCipher(): TokenCipher {
  defaultCipher ??= createTokenCipher(loadTokenKeyRing());
  return defaultCipher;
}

export function encryptToken(plaintext: string): string {
  return defaultTokenCipher().encrypt(plaintext);
}

export function decryptToken(ciphertext: string): string {
  return defaultTokenCipher().decrypt(ciphertext);
}

export function isEncryptedWithCurrentKey(ciphertext: string): boolean {
  return defaultTokenCipher().isEncryptedWithCurrentKey(ciphertext);
}
