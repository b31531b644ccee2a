// Every expiry computation asks this clock, never Date directly, so tests can stand
// months in the future (token-lifecycle.md: "the clock is injectable everywhere").
//
// Two ways to move it:
// - CHANNELKEYS_SHARED_CLOCK_FILE (end-to-end tests and demos only): the offset is read from that JSON file,
//   which the eBay emulator writes (EBAY_EMULATOR_CLOCK_FILE, POST /__emulator/clock), so the app and the
//   emulator stand at the same virtual instant. Format: {"offsetSeconds": <number>, "updatedAt": "<ISO>"}.
// - Otherwise an in-process offset: CHANNELKEYS_CLOCK_OFFSET_SECONDS at start, setClockOffsetSeconds() in unit tests.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync, type Stats } from "node:fs";
import path from "node:path";

let offsetMs = Number(process.env.CHANNELKEYS_CLOCK_OFFSET_SECONDS ?? 0) * 1000;

const SETTLED_AFTER_MS = 100;

type CachedFileOffset = { filePath: string; key: string; offsetMs: number };
let cachedFileOffset: CachedFileOffset | undefined;

function sharedClockFile(): string | undefined {
  return process.env.CHANNELKEYS_SHARED_CLOCK_FILE || undefined;
}

/**
 * The offset stored in the shared file. One stat per call; the file is only parsed again when its identity
 * (inode, mtime, size) changes. A missing file means no offset (the emulator has not written one yet).
 */
function readFileOffsetMs(filePath: string): number {
  let stats: Stats;
  try {
    stats = statSync(filePath);
  } catch {
    return 0;
  }
  const key = `${stats.ino}:${stats.mtimeMs}:${stats.size}`;
  // Timestamps are coarse (a few ms) and inode numbers get reused, so a file changed just now is always re-read.
  const settled = Date.now() - stats.mtimeMs > SETTLED_AFTER_MS;
  if (settled && cachedFileOffset && cachedFileOffset.filePath === filePath && cachedFileOffset.key === key) return cachedFileOffset.offsetMs;
  try {
    const parsed = JSON.parse(readFileSync(filePath, "utf8")) as { offsetSeconds?: unknown };
    const seconds = typeof parsed.offsetSeconds === "number" && Number.isFinite(parsed.offsetSeconds) ? parsed.offsetSeconds : 0;
    cachedFileOffset = { filePath, key, offsetMs: Math.round(seconds * 1000) };
    return cachedFileOffset.offsetMs;
  } catch {
    // A broken file keeps the last good offset: jumping back to real time mid-test would be worse.
    return cachedFileOffset?.filePath === filePath ? cachedFileOffset.offsetMs : 0;
  }
}

function currentOffsetMs(): number {
  const filePath = sharedClockFile();
  return filePath ? readFileOffsetMs(filePath) : offsetMs;
}

export function now(): Date {
  return new Date(Date.now() + currentOffsetMs());
}

/** Moves the clock. With a shared clock file this writes the file, so the emulator moves too. */
export function setClockOffsetSeconds(seconds: number): void {
  offsetMs = Math.round(seconds * 1000);
  const filePath = sharedClockFile();
  if (!filePath) return;
  // It lives in the private data folder: created private like everything there (lib/private-files.ts).
  mkdirSync(path.dirname(filePath), { recursive: true, mode: 0o700 });
  const temporary = `${filePath}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ offsetSeconds: offsetMs / 1000, updatedAt: new Date(Date.now() + offsetMs).toISOString() }), { mode: 0o600 });
  renameSync(temporary, filePath);
}

export function clockOffsetSeconds(): number {
  return currentOffsetMs() / 1000;
}
