import Link from "next/link";
import { positionPercent, segment, contains, type ThresholdLine, type TimeAxis } from "@/lib/timeline/axis";
import { BUCKET_COPY, TIMELINE_STATUS_LABELS } from "@/lib/timeline/buckets";
import { formatRelative, formatTimestamp } from "@/lib/format/relative-time";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { STATUS_STYLES, TONE_FILL } from "@/components/timeline/timeline-styles";
import { TimeGrid } from "@/components/timeline/time-grid";
import type { FleetTimelineRow as Row } from "@/app/(app)/timeline/load-fleet-timeline";
import { earliestTokenExpiry } from "@/lib/tokens/credentials";

/** Name | track | expiry: shared by the header and every row so the track column lines up. */
export const FLEET_COLUMNS = "grid grid-cols-[minmax(9rem,13rem)_minmax(0,1fr)_8.5rem] items-center gap-x-3";

/** What a screen reader hears for the row's link: the account, its status and when its tokens expire. */
export function rowAccessibleName(row: Row, now: Date): string {
  const parts = [`${row.name}, ${TIMELINE_STATUS_LABELS[row.status]}.`];
  const refresh = row.refreshTokenExpiresAt;
  const authNAuth = row.authNAuthExpiresAt;
  const expiryPhrase = (what: string, at: Date) =>
    `${what} ${at.getTime() <= now.getTime() ? "expired" : "expires"} ${formatRelative(at, now)}, on ${formatTimestamp(at)}.`;
  if (!refresh && !authNAuth) parts.push("No refresh token: re-authorization needed.");
  if (refresh) parts.push(expiryPhrase("Refresh token", refresh));
  if (authNAuth) parts.push(expiryPhrase("Auth'n'Auth token", authNAuth));
  if (row.accessTokenExpiresAt) {
    const access = row.accessTokenExpiresAt;
    parts.push(`Access token ${access.getTime() <= now.getTime() ? "expired" : "expires"} ${formatRelative(access, now)}.`);
  }
  parts.push(row.lastCheckedAt ? `Last checked ${formatRelative(row.lastCheckedAt, now)}.` : "Never checked.");
  return parts.join(" ");
}

function ExpiryText({ row, now }: { row: Row; now: Date }) {
  // The earlier of the account's token expiries: the date by which the seller must consent again.
  const refresh = earliestTokenExpiry(row);
  if (!refresh) return <span className="font-medium text-red-800">No refresh token</span>;
  const passed = refresh.getTime() <= now.getTime();
  return (
    <>
      <span className={cn("block font-medium", passed || row.bucket === "within_7" ? "text-red-800" : row.bucket === "within_30" ? "text-amber-900" : "text-gray-900")}>
        {passed ? `expired ${formatRelative(refresh, now)}` : `expires ${formatRelative(refresh, now)}`}
      </span>
      <span className="block text-[11px] text-gray-500">{formatTimestamp(refresh).slice(0, 10)}</span>
    </>
  );
}

export function FleetTimelineRow({ row, axis, thresholds }: { row: Row; axis: TimeAxis; thresholds: ThresholdLine[] }) {
  const now = new Date(axis.nowMs);
  const style = STATUS_STYLES[row.status];
  const today = positionPercent(axis, now);
  const expiry = earliestTokenExpiry(row);
  const authNAuthExpiry = row.authNAuthExpiresAt && contains(axis, row.authNAuthExpiresAt) ? positionPercent(axis, row.authNAuthExpiresAt) : null;
  // The elapsed part of the lifetime is pale, what is left is solid, so "how much is left" reads at a glance.
  const elapsed = expiry ? segment(axis, row.lifetimeStart, expiry.getTime() < now.getTime() ? expiry : now) : null;
  const remaining = expiry && expiry.getTime() > now.getTime() ? segment(axis, row.lifetimeStart > now ? row.lifetimeStart : now, expiry) : null;
  const access = row.accessTokenExpiresAt && contains(axis, row.accessTokenExpiresAt) ? positionPercent(axis, row.accessTokenExpiresAt) : null;

  return (
    <li>
      <Link
        href={`/accounts/${row.id}`}
        aria-label={rowAccessibleName(row, now)}
        data-account-id={row.id}
        data-bucket={row.bucket}
        data-status={row.status}
        className={cn(
          FLEET_COLUMNS,
          "group rounded px-3 py-1 text-sm hover:bg-accent-50",
          "focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-accent-600",
        )}
      >
        <span className="min-w-0">
          <span className="block truncate leading-5 font-medium text-gray-900 group-hover:underline">{row.name}</span>
          <Badge tone={style.badge} className="px-1.5 py-0 text-[11px] leading-4">
            {TIMELINE_STATUS_LABELS[row.status]}
          </Badge>
        </span>
        <span className="relative block h-8 overflow-hidden rounded-sm" title={`${row.name}: ${BUCKET_COPY[row.bucket].label}`}>
          <TimeGrid todayPercent={today} thresholds={thresholds} />
          <span aria-hidden="true">
            {elapsed ? (
              <span
                className={cn("absolute top-2 h-3.5 opacity-35", style.bar, elapsed.clippedStart ? "" : "rounded-l-sm")}
                style={{ left: `${elapsed.leftPercent}%`, width: `${elapsed.widthPercent}%`, ...style.barStyle }}
              />
            ) : null}
            {remaining ? (
              <span
                className={cn("absolute top-2 h-3.5", style.bar, remaining.clippedEnd ? "" : "rounded-r-sm")}
                style={{ left: `${remaining.leftPercent}%`, width: `${remaining.widthPercent}%`, ...style.barStyle }}
              />
            ) : null}
            {expiry && contains(axis, expiry) ? (
              <span className="absolute top-0.5 h-6 w-0.5 -translate-x-1/2 bg-gray-900" style={{ left: `${positionPercent(axis, expiry)}%` }} />
            ) : null}
            {authNAuthExpiry !== null ? (
              // The Auth'n'Auth token's hard expiry: its own mark, violet, beside the refresh token's black one.
              <span
                data-marker="authnauth-expiry"
                className="absolute top-0.5 h-6 w-1 -translate-x-1/2 rounded-sm border border-white bg-violet-700"
                style={{ left: `${authNAuthExpiry}%` }}
              />
            ) : null}
            {access !== null ? (
              <span className="absolute top-1 size-2 -translate-x-1/2 rotate-45 border border-white bg-accent-700" style={{ left: `${access}%` }} />
            ) : null}
            {row.checks.map((tick) => (
              <span
                key={tick.day.getTime()}
                title={tick.label}
                className={cn("absolute bottom-0.5 h-1.5 w-1 -translate-x-1/2 rounded-full", TONE_FILL[tick.tone])}
                style={{ left: `${tick.percent}%` }}
              />
            ))}
          </span>
        </span>
        <span className="text-right text-xs">
          <ExpiryText row={row} now={now} />
        </span>
      </Link>
    </li>
  );
}
