const RELATIVE = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "3 hours ago", "yesterday", "just now". */
export function relativeTimeFrom(date: Date, reference: Date): string {
  const seconds = Math.round((date.getTime() - reference.getTime()) / 1000);
  const magnitude = Math.abs(seconds);
  if (magnitude < 45) return "just now";
  for (const [unit, unitSeconds] of UNITS) {
    if (magnitude >= unitSeconds) return RELATIVE.format(Math.round(seconds / unitSeconds), unit);
  }
  return RELATIVE.format(Math.round(seconds / 60), "minute");
}

/** "2025-03-14 09:26:53 UTC": the history and its date filters speak UTC throughout. */
export function absoluteUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

type EventTimeProps = { date: Date; reference: Date };

/** Relative time to scan by, the exact UTC time on hover and for assistive tech. */
export function EventTime({ date, reference }: EventTimeProps) {
  const absolute = absoluteUtc(date);
  return (
    <time dateTime={date.toISOString()} title={absolute} className="whitespace-nowrap">
      <span aria-hidden="true">{relativeTimeFrom(date, reference)}</span>
      <span className="sr-only">{absolute}</span>
      <span aria-hidden="true" className="block text-xs text-gray-500 tabular-nums">
        {absolute.slice(0, 16)}
      </span>
    </time>
  );
}
