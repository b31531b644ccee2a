import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clockOffsetSeconds, now, setClockOffsetSeconds } from "@/lib/clock";

const DAY_SECONDS = 86_400;

describe("clock", () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), "channelkeys-clock-"));
  });

  afterEach(() => {
    delete process.env.CHANNELKEYS_SHARED_CLOCK_FILE;
    setClockOffsetSeconds(0);
    rmSync(folder, { recursive: true, force: true });
  });

  it("moves by an in-process offset when no shared file is configured", () => {
    setClockOffsetSeconds(10 * DAY_SECONDS);
    expect(clockOffsetSeconds()).toBe(10 * DAY_SECONDS);
    const drift = now().getTime() - Date.now() - 10 * DAY_SECONDS * 1000;
    expect(Math.abs(drift)).toBeLessThan(1000);
  });

  it("reads the offset the emulator writes to the shared file, and follows its changes", () => {
    const file = path.join(folder, "clock.json");
    process.env.CHANNELKEYS_SHARED_CLOCK_FILE = file;
    expect(clockOffsetSeconds()).toBe(0); // no file yet: real time

    writeFileSync(file, JSON.stringify({ offsetSeconds: 500 * DAY_SECONDS }));
    expect(clockOffsetSeconds()).toBe(500 * DAY_SECONDS);
    expect(now().getTime()).toBeGreaterThan(Date.now() + 499 * DAY_SECONDS * 1000);

    // A rename-replaced file (how the emulator writes) is a new inode: picked up even within the same mtime tick.
    const next = path.join(folder, "clock.next");
    writeFileSync(next, JSON.stringify({ offsetSeconds: 7 }));
    renameSync(next, file);
    expect(clockOffsetSeconds()).toBe(7);
  });

  it("keeps the last good offset when the file is unreadable JSON", () => {
    const file = path.join(folder, "clock.json");
    process.env.CHANNELKEYS_SHARED_CLOCK_FILE = file;
    writeFileSync(file, JSON.stringify({ offsetSeconds: 42 }));
    expect(clockOffsetSeconds()).toBe(42);
    writeFileSync(file, "{ not json");
    expect(clockOffsetSeconds()).toBe(42);
  });

  it("setClockOffsetSeconds writes the shared file so the other side moves too", () => {
    const file = path.join(folder, "nested", "clock.json");
    process.env.CHANNELKEYS_SHARED_CLOCK_FILE = file;
    setClockOffsetSeconds(3 * DAY_SECONDS);
    const stored = JSON.parse(readFileSync(file, "utf8"));
    expect(stored.offsetSeconds).toBe(3 * DAY_SECONDS);
    expect(clockOffsetSeconds()).toBe(3 * DAY_SECONDS);
  });
});
