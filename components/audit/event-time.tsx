import { formatRelative } from "@/lib/format/relative-time";

/** "2025-03-14 09:26:53 UTC": to the second, since the history orders events that close together. */
export function absoluteUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

type EventTimeProps = {
  date: Date;
  /** The product clock's "now" (lib/clock.ts), the same clock audit rows are stamped with. */
  reference: Date;
};

/** Relative time to scan by; the exact UTC time under it, in full on hover and for assistive tech. */
export function EventTime({ date, reference }: EventTimeProps) {
  const absolute = absoluteUtc(date);
  return (
    <time dateTime={date.toISOString()} title={absolute} className="whitespace-nowrap">
      <span aria-hidden="true">{formatRelative(date, reference)}</span>
      <span className="sr-only">{absolute}</span>
      <span aria-hidden="true" className="block text-xs text-gray-500 tabular-nums">
        {absolute.slice(0, 16)}
      </span>
    </time>
  );
}
