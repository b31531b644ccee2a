import { randomBytes } from "node:crypto";
import { existsSync, linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ensurePrivateDirectory } from "../private-files";

/** One AES-256 key and the id recorded in every ciphertext it produces. */
export type TokenKey = { readonly id: string; readonly key: Buffer };

/** The first key encrypts; every key (the first included) decrypts, so old ciphertext survives a rotation. */
export type TokenKeyRing = { readonly current: TokenKey; readonly byId: ReadonlyMap<string, Buffer> };

export const DEFAULT_KEY_FILE = path.join(".data", "token-keys.json");
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Parses "keyId:base64-32-bytes,keyId:base64-32-bytes" (the TOKEN_ENCRYPTION_KEYS format). */
export function parseTokenKeys(spec: string): TokenKeyRing {
  const entries = spec
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0) throw new Error("No token encryption key given");
  const keys = entries.map((entry, index) => parseKeyEntry(entry, index));
  return keyRing(keys);
}

export function keyRing(keys: readonly TokenKey[]): TokenKeyRing {
  const [current] = keys;
  if (!current) throw new Error("No token encryption key given");
  const byId = new Map<string, Buffer>();
  for (const { id, key } of keys) {
    if (byId.has(id)) throw new Error(`Token encryption key id "${id}" appears twice`);
    byId.set(id, key);
  }
  return { current, byId };
}

/** A fresh random key; the default id (e.g. "k20250131-9f2c") says when it was made. */
export function generateTokenKey(id = `k${new Date().toISOString().slice(0, 10).replaceAll("-", "")}-${randomBytes(2).toString("hex")}`): TokenKey {
  if (!KEY_ID_PATTERN.test(id)) throw new Error(`Token key id "${id}" must be 1-64 letters, digits, "_" or "-"`);
  return { id, key: randomBytes(32) };
}

export function formatTokenKeys(keys: readonly TokenKey[]): string {
  return keys.map(({ id, key }) => `${id}:${key.toString("base64")}`).join(",");
}

export type LoadTokenKeysOptions = {
  /** Defaults to process.env.TOKEN_ENCRYPTION_KEYS. */
  keysSpec?: string | undefined;
  /** Used when no keysSpec is set; created with a fresh key on first use. Defaults to .data/token-keys.json in the working directory. */
  keyFile?: string;
};

/**
 * TOKEN_ENCRYPTION_KEYS when set; otherwise the embedded default's key file, created on first use.
 * The file holds the same "keyId:base64" list as the variable: { "keys": "k1:...,k0:..." }.
 */
export function loadTokenKeyRing(options: LoadTokenKeysOptions = {}): TokenKeyRing {
  const spec = "keysSpec" in options ? options.keysSpec : process.env.TOKEN_ENCRYPTION_KEYS;
  if (spec !== undefined && spec.trim() !== "") {
    try {
      return parseTokenKeys(spec);
    } catch (error) {
      throw new Error(`TOKEN_ENCRYPTION_KEYS is invalid: ${(error as Error).message}`);
    }
  }
  // The key file is read at run time from the working directory, not bundled: the comment keeps Turbopack from
  // tracing the whole project for it.
  const keyFile = path.resolve(/*turbopackIgnore: true*/ process.cwd(), options.keyFile ?? DEFAULT_KEY_FILE);
  if (!existsSync(keyFile)) createKeyFile(keyFile, [generateTokenKey()]);
  return readKeyFile(keyFile);
}

export function readKeyFile(keyFile: string): TokenKeyRing {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(keyFile, "utf8"));
  } catch (error) {
    throw new Error(`Token key file ${keyFile} is unreadable: ${(error as Error).message.split("\n")[0]}`);
  }
  const spec = (parsed as { keys?: unknown } | null)?.keys;
  if (typeof spec !== "string") throw new Error(`Token key file ${keyFile} has no "keys" string`);
  try {
    return parseTokenKeys(spec);
  } catch (error) {
    throw new Error(`Token key file ${keyFile} is invalid: ${(error as Error).message}`);
  }
}

/** Overwrites the key file (mode 0600) atomically: readers see the old or the new list, never half of one. */
export function writeKeyFile(keyFile: string, keys: readonly TokenKey[]): void {
  const temp = tempPathFor(keyFile);
  writeFileSync(temp, keyFileContent(keys), { mode: 0o600, flag: "wx" });
  try {
    // rename replaces the target atomically; the temp file already has mode 0600.
    renameSync(temp, keyFile);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
}

/**
 * Two processes may start at once (web server and scheduler): the file is written under a temp name
 * and hard-linked into place, which fails if another process won the race; the loser then reads
 * the winner's key instead of overwriting it.
 */
function createKeyFile(keyFile: string, keys: readonly TokenKey[]): void {
  ensurePrivateDirectory(path.dirname(keyFile));
  const temp = tempPathFor(keyFile);
  writeFileSync(temp, keyFileContent(keys), { mode: 0o600, flag: "wx" });
  try {
    linkSync(temp, keyFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(temp);
  }
}

function keyFileContent(keys: readonly TokenKey[]): string {
  return `${JSON.stringify({ keys: formatTokenKeys(keys) }, null, 2)}\n`;
}

function tempPathFor(file: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
}

function parseKeyEntry(entry: string, index: number): TokenKey {
  const separator = entry.indexOf(":");
  // Messages name the position and id only: the key material never appears in an error.
  if (separator <= 0) throw new Error(`key #${index + 1} is not "keyId:base64"`);
  const id = entry.slice(0, separator);
  if (!KEY_ID_PATTERN.test(id)) throw new Error(`key #${index + 1} has an invalid id (use 1-64 letters, digits, "_" or "-")`);
  const encoded = entry.slice(separator + 1);
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) throw new Error(`key "${id}" is not base64`);
  const key = Buffer.from(encoded.replaceAll("-", "+").replaceAll("_", "/"), "base64");
  if (key.length !== 32) throw new Error(`key "${id}" must decode to 32 bytes, got ${key.length}`);
  return { id, key };
}
