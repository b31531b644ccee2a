// Security review, finding 12: the data folder holds the token keys, the session secret, the database password and
// the database itself. Other local users must read none of it: the folder is 0700 and every file 0600, also when an
// older version left it readable. As root the embedded PostgreSQL runs as the "postgres" user, which must pass
// through the folder to its cluster: those folders are 0711 (passable, not listable) and nothing more.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveDatabase } from "@/scripts/db/embedded-postgres";
import { nextAuthSecretFile, readOrCreateSecretFile } from "@/lib/auth/secret";
import { loadTokenKeyRing } from "@/lib/crypto/token-keys";
import { ClockFile } from "@/emulator/src/clock";
import { EmulatorState } from "@/emulator/src/state";
import { resolveConfig } from "@/emulator/src/config";
import { VirtualClock } from "@/emulator/src/clock";
import { freePort } from "@/test/support/test-postgres";

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const runningAsRoot = process.getuid?.() === 0;

function modeOf(file: string): number {
  return statSync(file).mode & 0o777;
}

/** Every entry under `dir` with the mode bits other local users get. */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const stat = statSync(full);
    if (stat.isDirectory()) {
      // Folders: nothing readable or writable by others; traversal only where the postgres user needs it.
      if ((stat.mode & 0o066) !== 0) found.push(`${full} ${(stat.mode & 0o777).toString(8)}`);
      found.push(...openToOthers(full));
    } else if ((stat.mode & 0o077) !== 0) {
      found.push(`${full} ${(stat.mode & 0o777).toString(8)}`);
    }
  }
  return found;
}

describe("the data folder", () => {
  it("is private, with private files, even when an older version left it readable", { timeout: 90_000 }, async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), "channelkeys-datadir-"));
    folders.push(base);
    const dataDir = path.join(base, ".data");
    // What an older version (or a key file created first, or the e2e clock) left behind.
    mkdirSync(path.join(dataDir, "e2e-3100"), { recursive: true, mode: 0o755 });
    chmodSync(dataDir, 0o755);
    chmodSync(path.join(dataDir, "e2e-3100"), 0o755);
    writeFileSync(path.join(dataDir, "emulator-state.json"), "{}", { mode: 0o644 });
    writeFileSync(path.join(dataDir, "e2e-3100", "leftover.json"), "{}", { mode: 0o644 });
    chmodSync(path.join(dataDir, "emulator-state.json"), 0o644);

    const database = await resolveDatabase({ env: { CHANNELKEYS_DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(await freePort()) } });
    try {
      readOrCreateSecretFile(nextAuthSecretFile(dataDir));
      loadTokenKeyRing({ keysSpec: undefined, keyFile: path.join(dataDir, "token-keys.json") });
      new ClockFile(path.join(dataDir, "e2e-clock-3100.json")).writeOffsetMs(5_000);
      const emulatorState = new EmulatorState(resolveConfig({ stateFile: path.join(dataDir, "emulator-state.json") }), new VirtualClock());
      emulatorState.save();

      expect(modeOf(dataDir)).toBe(runningAsRoot ? 0o711 : 0o700);
      expect(modeOf(path.join(dataDir, "e2e-3100"))).toBe(0o700);
      for (const file of ["nextauth-secret", "token-keys.json", "embedded-postgres.json", "emulator-state.json", "e2e-clock-3100.json"]) {
        expect(modeOf(path.join(dataDir, file)), file).toBe(0o600);
      }
      expect(openToOthers(dataDir)).toEqual([]);
    } finally {
      await database.stop();
    }
  });

  it("a token key file created before anything else still makes the folder private", () => {
    const base = mkdtempSync(path.join(os.tmpdir(), "channelkeys-datadir-"));
    folders.push(base);
    const dataDir = path.join(base, ".data");
    loadTokenKeyRing({ keysSpec: undefined, keyFile: path.join(dataDir, "token-keys.json") });
    expect(modeOf(dataDir)).toBe(0o700);
  });
});
