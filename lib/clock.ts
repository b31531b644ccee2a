// Every expiry computation asks this clock, never Date directly, so tests can stand
// months in the future (token-lifecycle.md: "the clock is injectable everywhere").
let offsetMs = Number(process.env.CHANNELKEYS_CLOCK_OFFSET_SECONDS ?? 0) * 1000;

export function now(): Date {
  return new Date(Date.now() + offsetMs);
}

export function setClockOffsetSeconds(seconds: number): void {
  offsetMs = seconds * 1000;
}

export function clockOffsetSeconds(): number {
  return offsetMs / 1000;
}
