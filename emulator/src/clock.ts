// The emulator's virtual clock: every expiry, quota day and HardExpirationWarning reads it, so a test can jump
// "18 months later" with POST /__emulator/clock instead of waiting.
//
// With a clock file (EBAY_EMULATOR_CLOCK_FILE), the offset lives in that file instead of in memory, so ChannelKeys
// (CHANNELKEYS_SHARED_CLOCK_FILE, lib/clock.ts) and the emulator stand at the same virtual instant: one test clock
// for both sides, never hand-edited database rows. Format: {"offsetSeconds": <number>, "updatedAt": "<ISO>"}.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync, type Stats } from "node:fs";
import path from "node:path";

const DAY_MS = 86_400_000;
const SETTLED_AFTER_MS = 100;

/**
 * Reads and writes the shared offset. Reads are cached by the file's identity (inode, mtime, size), so the hot
 * path costs one stat; writes go through a temporary file and a rename so a reader never sees half a file.
 */
export class ClockFile {
  private cachedKey = "";
  private cachedOffsetMs = 0;

  constructor(readonly filePath: string) {}

  readOffsetMs(): number {
    let stats: Stats;
    try {
      stats = statSync(this.filePath);
    } catch {
      return 0;
    }
    const key = `${stats.ino}:${stats.mtimeMs}:${stats.size}`;
    // Timestamps are coarse (a few ms) and inode numbers get reused, so a file changed just now is always re-read.
    const settled = Date.now() - stats.mtimeMs > SETTLED_AFTER_MS;
    if (settled && key === this.cachedKey) return this.cachedOffsetMs;
    try {
      const parsed = JSON.parse(readFileSync(this.filePath, "utf8")) as { offsetSeconds?: unknown };
      const seconds = typeof parsed.offsetSeconds === "number" && Number.isFinite(parsed.offsetSeconds) ? parsed.offsetSeconds : 0;
      this.cachedOffsetMs = Math.round(seconds * 1000);
      this.cachedKey = key;
    } catch {
      // Someone else's partial or hand-broken file: keep the last good offset rather than jumping back to real time.
    }
    return this.cachedOffsetMs;
  }

  writeOffsetMs(offsetMs: number): void {
    // Usually in ChannelKeys' private data folder: only its owner reads what is written there.
    mkdirSync(path.dirname(this.filePath), { recursive: true, mode: 0o700 });
    const temporary = `${this.filePath}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ offsetSeconds: offsetMs / 1000, updatedAt: new Date(Date.now() + offsetMs).toISOString() }), {
      mode: 0o600,
    });
    renameSync(temporary, this.filePath);
    this.cachedKey = "";
  }
}

export class VirtualClock {
  private offsetMs = 0;
  private readonly file: ClockFile | undefined;

  /** `clockFile`: share the offset through that file (see above); omitted keeps it in memory. */
  constructor(clockFile?: string) {
    this.file = clockFile ? new ClockFile(clockFile) : undefined;
  }

  private currentOffsetMs(): number {
    return this.file ? this.file.readOffsetMs() : this.offsetMs;
  }

  private storeOffsetMs(offsetMs: number): void {
    this.offsetMs = offsetMs;
    this.file?.writeOffsetMs(offsetMs);
  }

  nowMs(): number {
    return Date.now() + this.currentOffsetMs();
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  get offsetSeconds(): number {
    return this.currentOffsetMs() / 1000;
  }

  advance(seconds: number): void {
    this.storeOffsetMs(this.currentOffsetMs() + Math.round(seconds * 1000));
  }

  setOffsetSeconds(seconds: number): void {
    this.storeOffsetMs(Math.round(seconds * 1000));
  }

  /** Quotas reset at virtual midnight UTC; the day number keys the counters. */
  dayNumber(): number {
    return Math.floor(this.nowMs() / DAY_MS);
  }

  nextMidnightMs(): number {
    return (this.dayNumber() + 1) * DAY_MS;
  }

  snapshot(): { now: string; offsetSeconds: number } {
    const offsetMs = this.currentOffsetMs();
    return { now: new Date(Date.now() + offsetMs).toISOString(), offsetSeconds: offsetMs / 1000 };
  }
}
