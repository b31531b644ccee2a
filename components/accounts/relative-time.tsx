import { formatRelative, formatTimestamp } from "@/lib/format/relative-time";

/** Relative wording with the exact time on hover; `now` comes from the server's (injectable) clock. */
export function RelativeTime({ value, now, empty = "—" }: { value: string | null; now: string; empty?: string }) {
  if (!value) return <span className="text-gray-400">{empty}</span>;
  const date = new Date(value);
  return (
    <time dateTime={value} title={formatTimestamp(date)}>
      {formatRelative(date, new Date(now))}
    </time>
  );
}
