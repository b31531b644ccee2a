// The emulator's virtual clock: every expiry, quota day and HardExpirationWarning reads it, so a test can jump
// "18 months later" with POST /__emulator/clock instead of waiting.

const DAY_MS = 86_400_000;

export class VirtualClock {
  private offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }

  advance(seconds: number): void {
    this.offsetMs += Math.round(seconds * 1000);
  }

  setOffsetSeconds(seconds: number): void {
    this.offsetMs = Math.round(seconds * 1000);
  }

  /** Quotas reset at virtual midnight UTC; the day number keys the counters. */
  dayNumber(): number {
    return Math.floor(this.nowMs() / DAY_MS);
  }

  nextMidnightMs(): number {
    return (this.dayNumber() + 1) * DAY_MS;
  }

  snapshot(): { now: string; offsetSeconds: number } {
    return { now: this.now().toISOString(), offsetSeconds: this.offsetSeconds };
  }
}
