import Link from "next/link";
import { db } from "@/lib/db";
import { adaptiveTicks, contains, positionPercent, segment, spanningAxis, thresholdLines, type TimeAxis } from "@/lib/timeline/axis";
import { accountHistory, eventMarkers, EVENT_KINDS, HISTORY_AUDIT_ACTIONS, LANES, type EventMarker, type TimelineEvent } from "@/lib/timeline/events";
import { formatRelative, formatTimestamp } from "@/lib/format/relative-time";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { TONE_FILL } from "@/components/timeline/timeline-styles";
import { TimeGrid } from "@/components/timeline/time-grid";

/** How much history is read: enough for years of daily checks, bounded so one account cannot slow the page. */
const MAX_EVENTS_PER_SOURCE = 2_000;
const LISTED_EVENTS = 12;

type AccountTimelineProps = {
  workspaceId: string;
  accountId: string;
  now: Date;
  connectedAt: Date;
  refreshTokenExpiresAt: Date | null;
  accessTokenExpiresAt: Date | null;
  /** The Auth'n'Auth token's life, when the account holds one. */
  authNAuth: { grantedAt: Date | null; expiresAt: Date } | null;
};

/**
 * One account's life on a time axis: consent (connect, re-create, disconnect), checks and refreshes in three lanes,
 * from its first event to its refresh token's expiry ahead. The list under it says the same in words.
 */
export async function AccountTimeline({ workspaceId, accountId, now, connectedAt, refreshTokenExpiresAt, accessTokenExpiresAt, authNAuth }: AccountTimelineProps) {
  const [audit, checks] = await Promise.all([
    db.auditEvent.findMany({
      where: { workspaceId, accountId, action: { in: HISTORY_AUDIT_ACTIONS } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: MAX_EVENTS_PER_SOURCE,
      select: { id: true, action: true, outcome: true, detail: true, actorLabel: true, createdAt: true },
    }),
    db.tokenCheck.findMany({
      where: { workspaceId, accountId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: MAX_EVENTS_PER_SOURCE,
      select: { id: true, verdict: true, message: true, trigger: true, refreshed: true, createdAt: true },
    }),
  ]);
  const events = accountHistory(audit, checks);
  const axis = spanningAxis(now, [connectedAt, refreshTokenExpiresAt, authNAuth?.expiresAt ?? null, ...events.map((event) => event.at)]);
  const markers = eventMarkers(axis, events);
  const recent = events.slice(-LISTED_EVENTS).reverse();
  const since = events[0] && events[0].at < connectedAt ? events[0].at : connectedAt;

  return (
    <Card className="mt-6" aria-labelledby="account-timeline-heading">
      <CardHeader
        title={<span id="account-timeline-heading">Timeline</span>}
        description={[
          refreshTokenExpiresAt
            ? `Since ${formatTimestamp(since).slice(0, 10)}, up to the refresh token's expiry ${formatRelative(refreshTokenExpiresAt, now)} (${formatTimestamp(refreshTokenExpiresAt)}).`
            : authNAuth
              ? `Since ${formatTimestamp(since).slice(0, 10)}.`
              : "This account has no refresh token: its history so far.",
          authNAuth ? `The Auth'n'Auth token expires ${formatRelative(authNAuth.expiresAt, now)} (${formatTimestamp(authNAuth.expiresAt)}).` : "",
        ]
          .filter(Boolean)
          .join(" ")}
      />
      <CardBody>
        <AccountTimelineChart
          axis={axis}
          markers={markers}
          connectedAt={connectedAt}
          refreshTokenExpiresAt={refreshTokenExpiresAt}
          accessTokenExpiresAt={accessTokenExpiresAt}
          authNAuth={authNAuth}
        />
        <h3 className="mt-5 text-sm font-semibold text-gray-900">Latest events</h3>
        {recent.length === 0 ? (
          <p className="mt-1 text-sm text-gray-600">Nothing has happened to this account yet.</p>
        ) : (
          <ol className="mt-2 space-y-1.5 text-sm" data-testid="account-timeline-events">
            {recent.map((event) => (
              <EventLine key={event.id} event={event} />
            ))}
          </ol>
        )}
        <p className="mt-3 text-sm">
          <Link
            href={`/audit?account=${encodeURIComponent(accountId)}`}
            className="font-medium text-accent-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
          >
            Full history in the audit log
          </Link>
        </p>
      </CardBody>
    </Card>
  );
}

function EventLine({ event }: { event: TimelineEvent }) {
  const info = EVENT_KINDS[event.kind];
  return (
    <li className="flex flex-wrap items-baseline gap-x-2" data-event-kind={event.kind}>
      <span aria-hidden="true" className={cn("inline-block size-2 shrink-0 translate-y-[-1px] rounded-full", TONE_FILL[info.tone])} />
      <time dateTime={event.at.toISOString()} className="w-36 shrink-0 text-xs text-gray-500">
        {formatTimestamp(event.at)}
      </time>
      <span className="font-medium text-gray-900">{info.label}</span>
      {event.detail ? <span className="min-w-0 text-gray-600">{event.detail}</span> : null}
    </li>
  );
}

const MARKER_SHAPES: Record<string, string> = {
  lifecycle: "size-3 rotate-45",
  checks: "h-3 w-1.5 rounded-sm",
  refreshes: "size-2.5 rounded-full",
};

function AccountTimelineChart({
  axis,
  markers,
  connectedAt,
  refreshTokenExpiresAt,
  accessTokenExpiresAt,
  authNAuth,
}: {
  axis: TimeAxis;
  markers: EventMarker[];
  connectedAt: Date;
  refreshTokenExpiresAt: Date | null;
  accessTokenExpiresAt: Date | null;
  authNAuth: { grantedAt: Date | null; expiresAt: Date } | null;
}) {
  const today = positionPercent(axis, axis.nowMs);
  const thresholds = thresholdLines(axis);
  const lifetime = refreshTokenExpiresAt ? segment(axis, connectedAt, refreshTokenExpiresAt) : null;
  const authNAuthLifetime = authNAuth ? segment(axis, authNAuth.grantedAt ?? connectedAt, authNAuth.expiresAt) : null;
  const ticks = adaptiveTicks(axis);
  const grid = "grid grid-cols-[6rem_minmax(0,1fr)] items-center gap-x-3";

  return (
    <figure aria-label="The account's history on a time axis; the list below describes the same events.">
      <div aria-hidden="true" className={cn(grid, "text-[11px] text-gray-600")}>
        <span />
        <div className="relative h-5">
          <span className="absolute top-0 -translate-x-1/2 rounded bg-accent-600 px-1 font-semibold text-white" style={{ left: `${today}%` }}>
            Today
          </span>
        </div>
      </div>
      <div className={cn(grid, "text-xs text-gray-700")}>
        <span className="text-right font-medium">Refresh token</span>
        <div className="relative h-7 overflow-hidden rounded-sm" aria-hidden="true">
          <TimeGrid todayPercent={today} thresholds={thresholds} />
          {lifetime ? (
            <span className="absolute top-2 h-3 rounded-sm bg-accent-200" style={{ left: `${lifetime.leftPercent}%`, width: `${lifetime.widthPercent}%` }} />
          ) : null}
          {refreshTokenExpiresAt && contains(axis, refreshTokenExpiresAt) ? (
            <span className="absolute top-0.5 h-6 w-0.5 -translate-x-1/2 bg-gray-900" style={{ left: `${positionPercent(axis, refreshTokenExpiresAt)}%` }} />
          ) : null}
          {accessTokenExpiresAt && contains(axis, accessTokenExpiresAt) ? (
            <span className="absolute top-1.5 size-2 -translate-x-1/2 rotate-45 border border-white bg-accent-700" style={{ left: `${positionPercent(axis, accessTokenExpiresAt)}%` }} />
          ) : null}
        </div>
        {authNAuth ? (
          <>
            <span className="text-right font-medium">Auth&apos;n&apos;Auth token</span>
            <div className="relative h-7 overflow-hidden rounded-sm" aria-hidden="true" data-testid="authnauth-lane">
              <TimeGrid todayPercent={today} thresholds={thresholds} />
              {authNAuthLifetime ? (
                <span className="absolute top-2 h-3 rounded-sm bg-violet-200" style={{ left: `${authNAuthLifetime.leftPercent}%`, width: `${authNAuthLifetime.widthPercent}%` }} />
              ) : null}
              {contains(axis, authNAuth.expiresAt) ? (
                <span className="absolute top-0.5 h-6 w-1 -translate-x-1/2 rounded-sm bg-violet-700" style={{ left: `${positionPercent(axis, authNAuth.expiresAt)}%` }} />
              ) : null}
            </div>
          </>
        ) : null}
        {LANES.map(({ lane, label }) => (
          <LaneRow key={lane} label={label} today={today} thresholds={thresholds} markers={markers.filter((marker) => marker.lane === lane)} />
        ))}
        <span />
        <div aria-hidden="true" className="relative h-5 border-t border-gray-200 text-[11px] text-gray-600">
          {ticks.map((tick) => (
            <span key={tick.percent} className="absolute top-0 border-l border-gray-300 pl-0.5 whitespace-nowrap" style={{ left: `${tick.percent}%` }}>
              {tick.label}
              {tick.yearLabel ? <span className="font-semibold"> {tick.yearLabel}</span> : null}
            </span>
          ))}
        </div>
      </div>
    </figure>
  );
}

function LaneRow({ label, today, thresholds, markers }: { label: string; today: number; thresholds: ReturnType<typeof thresholdLines>; markers: EventMarker[] }) {
  return (
    <>
      <span className="text-right font-medium">{label}</span>
      <div className="relative h-6 overflow-hidden rounded-sm" aria-hidden="true">
        <TimeGrid todayPercent={today} thresholds={thresholds} />
        {markers.map((marker) => {
          const info = EVENT_KINDS[marker.kind];
          const when = marker.count === 1 ? formatTimestamp(marker.first) : `${marker.count}× between ${formatTimestamp(marker.first)} and ${formatTimestamp(marker.last)}`;
          return (
            <span
              key={`${marker.kind}:${marker.percent}`}
              title={`${info.label}: ${when}`}
              className={cn("absolute top-1/2 -translate-x-1/2 -translate-y-1/2 border border-white", MARKER_SHAPES[marker.lane], TONE_FILL[marker.tone])}
              style={{ left: `${marker.percent}%` }}
            />
          );
        })}
      </div>
    </>
  );
}
