const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "in 412 days", "3 hours ago", "just now": how sellers read token expiries and check times. */
export function formatRelative(target: Date, now: Date): string {
  const diff = target.getTime() - now.getTime();
  const abs = Math.abs(diff);
  if (abs < MINUTE) return "just now";
  const [value, unit] =
    abs < HOUR
      ? [Math.floor(abs / MINUTE), "minute"]
      : abs < DAY
        ? [Math.floor(abs / HOUR), "hour"]
        : [Math.floor(abs / DAY), "day"];
  const phrase = `${value} ${unit}${value === 1 ? "" : "s"}`;
  return diff > 0 ? `in ${phrase}` : `${phrase} ago`;
}

/** A fixed, locale-independent timestamp for titles and tables (server and client render the same). */
export function formatTimestamp(value: Date): string {
  return value.toISOString().replace("T", " ").slice(0, 16) + " UTC";
}
