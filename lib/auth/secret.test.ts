import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readOrCreateSecretFile } from "@/lib/auth/secret";

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

function tempFolder(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "ck-secret-"));
  folders.push(folder);
  return folder;
}

describe("embedded NEXTAUTH_SECRET", () => {
  it("creates a private random secret once and reuses it", () => {
    const file = path.join(tempFolder(), ".data", "nextauth-secret");
    const first = readOrCreateSecretFile(file);
    expect(first.length).toBeGreaterThanOrEqual(40);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readOrCreateSecretFile(file)).toBe(first);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["nextauth-secret"]);
  });

  it("keeps a secret written by someone else (the start script)", () => {
    const file = path.join(tempFolder(), "nextauth-secret");
    fs.writeFileSync(file, "already-here");
    expect(readOrCreateSecretFile(file)).toBe("already-here");
  });
});
