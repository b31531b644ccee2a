import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ensurePrivateDirectory } from "../private-files";

// next-auth signs and encrypts session JWTs with NEXTAUTH_SECRET. The embedded default must run
// with no configuration, so when the variable is unset a random secret is created once in an
// ignored local file and reused by every later start (sessions survive restarts).
const SECRET_FILE_NAME = "nextauth-secret";

let cachedSecret: string | undefined;

export function nextAuthSecretFile(dataDirectory = path.join(process.cwd(), ".data")): string {
  return path.join(dataDirectory, SECRET_FILE_NAME);
}

export function getNextAuthSecret(): string {
  const fromEnvironment = process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET;
  if (fromEnvironment) return fromEnvironment;
  cachedSecret ??= readOrCreateSecretFile(nextAuthSecretFile());
  return cachedSecret;
}

export function readOrCreateSecretFile(file: string): string {
  const existing = readSecret(file);
  if (existing) return existing;

  ensurePrivateDirectory(path.dirname(file));
  // Write to a private temp file, then hard-link it into place: link() fails if the target
  // exists, so concurrent first starts agree on one secret and nobody reads a half-written file.
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(temporary, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
  try {
    fs.linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  const created = readSecret(file);
  if (!created) throw new Error(`The session secret file ${file} is empty; delete it to create a new one.`);
  return created;
}

function readSecret(file: string): string | undefined {
  try {
    const value = fs.readFileSync(file, "utf8").trim();
    return value.length > 0 ? value : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
