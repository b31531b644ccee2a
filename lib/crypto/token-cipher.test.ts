import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTokenCipher, defaultTokenCipher, TokenDecryptionError, useTokenKeyRing } from "./token-cipher";
import { formatTokenKeys, generateTokenKey, keyRing, loadTokenKeyRing, parseTokenKeys } from "./token-keys";

const TOKEN = "v^1.1#i^1#p^3#r^1#I^3#f^0#t^Ul4xMF8xOkE2QjQ2RkU1";
// Where a value lives; v2 ciphertext opens only there.
const AT = { table: "EbayAccount", column: "accessToken", rowId: "acc_1" };

describe("token cipher", () => {
  it("round-trips tokens, including empty and non-ASCII ones", () => {
    const cipher = createTokenCipher(keyRing([generateTokenKey("k1")]));
    for (const plaintext of [TOKEN, "", "ключ ✓ 🔑", "x".repeat(5000)]) {
      expect(cipher.decrypt(cipher.encrypt(plaintext, AT), AT)).toBe(plaintext);
    }
  });

  it("writes v2.<keyId>.<iv>.<tag>.<ciphertext> with a fresh 12-byte IV every time", () => {
    const cipher = createTokenCipher(keyRing([generateTokenKey("k1")]));
    const first = cipher.encrypt(TOKEN, AT);
    const second = cipher.encrypt(TOKEN, AT);
    expect(first).not.toBe(second);
    const [version, keyId, iv, tag, sealed, ...rest] = first.split(".");
    expect(rest).toEqual([]);
    expect(version).toBe("v2");
    expect(keyId).toBe("k1");
    expect(Buffer.from(iv!, "base64url")).toHaveLength(12);
    expect(Buffer.from(tag!, "base64url")).toHaveLength(16);
    expect(Buffer.from(sealed!, "base64url")).toHaveLength(Buffer.byteLength(TOKEN));
    expect(first).toMatch(/^v2\.k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(first).not.toContain(TOKEN);
  });

  it("detects tampering with the IV, tag, ciphertext or key id", () => {
    const k1 = generateTokenKey("k1");
    const k2 = { id: "k2", key: k1.key }; // same key material under another id: only the AAD differs
    const cipher = createTokenCipher(keyRing([k1, k2]));
    const sealed = cipher.encrypt(TOKEN, AT);
    const parts = sealed.split(".");
    const flip = (text: string) => {
      const bytes = Buffer.from(text, "base64url");
      bytes[0] = bytes[0]! ^ 0x01;
      return bytes.toString("base64url");
    };
    for (const index of [2, 3, 4]) {
      const altered = parts.map((part, i) => (i === index ? flip(part) : part)).join(".");
      expect(() => cipher.decrypt(altered, AT)).toThrow(TokenDecryptionError);
    }
    const relabelled = ["v2", "k2", ...parts.slice(2)].join(".");
    expect(() => cipher.decrypt(relabelled, AT)).toThrow(/failed authentication/);
    // Relabelled as the unbound v1 format, it does not open either.
    expect(() => cipher.decrypt(["v1", ...parts.slice(1)].join("."), AT)).toThrow(/failed authentication/);
  });

  it("opens a value only in the table, column and row it was written for", () => {
    const cipher = createTokenCipher(keyRing([generateTokenKey("k1")]));
    const sealed = cipher.encrypt(TOKEN, AT);
    for (const elsewhere of [
      { ...AT, rowId: "acc_2" },
      { ...AT, column: "refreshToken" },
      { ...AT, table: "WorkspaceAlertSettings" },
      // The parts are kept apart: moving a character between them is another binding.
      { table: "EbayAccount", column: "accessToken.acc", rowId: "_1" },
    ]) {
      expect(() => cipher.decrypt(sealed, elsewhere), JSON.stringify(elsewhere)).toThrow(/failed authentication/);
    }
    expect(cipher.decrypt(sealed, AT)).toBe(TOKEN);
  });

  it("still opens the v1 format (no row binding) wherever it lies, and never writes it", () => {
    const legacy = createTokenCipher(keyRing([{ id: "legacy", key: Buffer.alloc(32, 7) }]));
    const V1 = "v1.legacy.NaXEbTxjowDtez3b.-U53QLBCNlcx_jhTP7LYaw.217u2howEdikYePtBsxcBvM1DQw4vN8a214";
    expect(legacy.decrypt(V1, AT)).toBe("v^1.1#legacy-refresh-token");
    expect(legacy.keyIdOf(V1)).toBe("legacy");
    // Under the current key but in the old format: rotation rewrites it.
    expect(legacy.isEncryptedWithCurrentKey(V1)).toBe(false);
    expect(legacy.encrypt("x", AT).startsWith("v2.legacy.")).toBe(true);
  });

  it("refuses malformed input and other versions", () => {
    const cipher = createTokenCipher(keyRing([generateTokenKey("k1")]));
    const sealed = cipher.encrypt(TOKEN, AT);
    for (const bad of ["", TOKEN, sealed.replace(/^v2/, "v3"), `${sealed}.x`, sealed.split(".").slice(0, 4).join("."), "v2.k1.!!.??.##"]) {
      expect(() => cipher.decrypt(bad, AT)).toThrow(TokenDecryptionError);
    }
    // A v2 value asked for without saying where it lies is a programming error, refused the same way.
    expect(() => cipher.decrypt(sealed, { table: "", column: "", rowId: "" })).toThrow(TokenDecryptionError);
  });

  it("fails with a wrong key and names only the key id, never token or key material", () => {
    const right = generateTokenKey("k1");
    const wrong = { id: "k1", key: generateTokenKey("k1").key };
    const sealed = createTokenCipher(keyRing([right])).encrypt(TOKEN, AT);
    const attempt = () => createTokenCipher(keyRing([wrong])).decrypt(sealed, AT);
    expect(attempt).toThrow(/failed authentication/);
    const unknownKey = () => createTokenCipher(keyRing([generateTokenKey("other")])).decrypt(sealed, AT);
    expect(unknownKey).toThrow(/unknown key id "k1"/);
    for (const fn of [attempt, unknownKey]) {
      const message = captureMessage(fn);
      expect(message).not.toContain(TOKEN);
      expect(message).not.toContain(right.key.toString("base64"));
      expect(message).not.toContain(wrong.key.toString("base64"));
    }
  });

  it("rotates: old ciphertext still opens, new ciphertext carries the new key id", () => {
    const old = generateTokenKey("old");
    const fresh = generateTokenKey("new");
    const before = createTokenCipher(keyRing([old]));
    const after = createTokenCipher(keyRing([fresh, old]));
    const sealedBefore = before.encrypt(TOKEN, AT);

    expect(after.decrypt(sealedBefore, AT)).toBe(TOKEN);
    expect(after.isEncryptedWithCurrentKey(sealedBefore)).toBe(false);
    expect(before.isEncryptedWithCurrentKey(sealedBefore)).toBe(true);

    const resealed = after.encrypt(after.decrypt(sealedBefore, AT), AT);
    expect(after.keyIdOf(resealed)).toBe("new");
    expect(after.isEncryptedWithCurrentKey(resealed)).toBe(true);
    expect(() => before.decrypt(resealed, AT)).toThrow(/unknown key id "new"/);
    expect(after.isEncryptedWithCurrentKey("not sealed")).toBe(false);
  });
});

describe("key loading", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "channelkeys-keys-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    useTokenKeyRing(null);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("parses the TOKEN_ENCRYPTION_KEYS list: first key encrypts, all decrypt", () => {
    const a = generateTokenKey("a");
    const b = generateTokenKey("b");
    const ring = parseTokenKeys(` ${formatTokenKeys([a])} , ${b.id}:${b.key.toString("base64url")} `);
    expect(ring.current.id).toBe("a");
    expect([...ring.byId.keys()]).toEqual(["a", "b"]);
    expect(ring.byId.get("b")!.equals(b.key)).toBe(true);
  });

  it("rejects bad key lists without echoing key material", () => {
    const short = Buffer.alloc(16, 7).toString("base64");
    const cases: [string, RegExp][] = [
      [`k1:${short}`, /must decode to 32 bytes, got 16/],
      [`k1${short}`, /not "keyId:base64"/],
      [`bad.id:${Buffer.alloc(32).toString("base64")}`, /invalid id/],
      [`k1:${Buffer.alloc(32).toString("base64")},k1:${Buffer.alloc(32, 1).toString("base64")}`, /appears twice/],
    ];
    for (const [spec, expected] of cases) {
      const message = captureMessage(() => loadTokenKeyRing({ keysSpec: spec }));
      expect(message).toMatch(/^TOKEN_ENCRYPTION_KEYS is invalid: /);
      expect(message).toMatch(expected);
      expect(message).not.toContain(short);
    }
    expect(() => parseTokenKeys(" , ")).toThrow(/No token encryption key/);
  });

  it("without TOKEN_ENCRYPTION_KEYS, creates a 0600 key file once and reuses it", () => {
    const keyFile = path.join(tempDir(), "nested", "token-keys.json");
    const first = loadTokenKeyRing({ keysSpec: undefined, keyFile });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(keyFile, "utf8")) as { keys: string };
    expect(parseTokenKeys(stored.keys).current.id).toBe(first.current.id);

    const second = loadTokenKeyRing({ keysSpec: undefined, keyFile });
    expect(second.current.id).toBe(first.current.id);
    expect(second.current.key.equals(first.current.key)).toBe(true);
    expect(createTokenCipher(second).decrypt(createTokenCipher(first).encrypt(TOKEN, AT), AT)).toBe(TOKEN);
  });

  it("the default cipher uses the installed ring, and null makes it reload from the environment", () => {
    const installed = keyRing([generateTokenKey("installed")]);
    useTokenKeyRing(installed);
    const sealed = defaultTokenCipher().encrypt(TOKEN, AT);
    expect(sealed.startsWith("v2.installed.")).toBe(true);
    expect(defaultTokenCipher().decrypt(sealed, AT)).toBe(TOKEN);
    expect(defaultTokenCipher().isEncryptedWithCurrentKey(sealed)).toBe(true);

    const fromEnv = generateTokenKey("fromenv");
    const previous = process.env.TOKEN_ENCRYPTION_KEYS;
    process.env.TOKEN_ENCRYPTION_KEYS = formatTokenKeys([fromEnv, { id: "installed", key: installed.current.key }]);
    try {
      useTokenKeyRing(null);
      expect(defaultTokenCipher().isEncryptedWithCurrentKey(sealed)).toBe(false);
      expect(defaultTokenCipher().decrypt(sealed, AT)).toBe(TOKEN);
      expect(defaultTokenCipher().encrypt(TOKEN, AT).startsWith("v2.fromenv.")).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.TOKEN_ENCRYPTION_KEYS;
      else process.env.TOKEN_ENCRYPTION_KEYS = previous;
    }
  });
});

function captureMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a failure");
}
