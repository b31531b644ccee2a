// One account's history as timeline events, merged from its audit entries (connect, refresh, re-create,
// disconnect) and its TokenCheck rows (every Test and its verdict), plus the fleet view's check ticks.
import { DAY_MS } from "@/lib/timeline/buckets";
import type { TimeAxis } from "@/lib/timeline/axis";
import { positionPercent } from "@/lib/timeline/axis";

export type TimelineEventKind =
  | "connected"
  | "recreated"
  | "recreate_failed"
  | "disconnected"
  | "revoked_notice"
  | "refreshed"
  | "refresh_failed"
  | "check_healthy"
  | "check_needs_reauth"
  | "check_unavailable";

/** Lanes keep the picture readable: what the seller did, what checks said, what refreshes did. */
export type TimelineLane = "lifecycle" | "checks" | "refreshes";

export type EventTone = "good" | "warn" | "bad" | "neutral";

type KindInfo = { label: string; lane: TimelineLane; tone: EventTone };

export const EVENT_KINDS: Record<TimelineEventKind, KindInfo> = {
  connected: { label: "Connected", lane: "lifecycle", tone: "good" },
  recreated: { label: "Token re-created", lane: "lifecycle", tone: "good" },
  recreate_failed: { label: "Re-create failed", lane: "lifecycle", tone: "bad" },
  disconnected: { label: "Disconnected", lane: "lifecycle", tone: "neutral" },
  revoked_notice: { label: "eBay notified a revocation", lane: "lifecycle", tone: "bad" },
  refreshed: { label: "Access token refreshed", lane: "refreshes", tone: "good" },
  refresh_failed: { label: "Refresh failed", lane: "refreshes", tone: "bad" },
  check_healthy: { label: "Check: healthy", lane: "checks", tone: "good" },
  check_needs_reauth: { label: "Check: needs re-authorization", lane: "checks", tone: "bad" },
  check_unavailable: { label: "Check: eBay unavailable", lane: "checks", tone: "warn" },
};

export const LANES: { lane: TimelineLane; label: string }[] = [
  { lane: "lifecycle", label: "Consent" },
  { lane: "checks", label: "Checks" },
  { lane: "refreshes", label: "Refreshes" },
];

export type TimelineEvent = {
  id: string;
  kind: TimelineEventKind;
  at: Date;
  detail: string;
  actor?: string;
};

export type AuditEventRow = {
  id: string;
  action: string;
  outcome: string;
  detail: string;
  actorLabel: string;
  createdAt: Date;
};

export type TokenCheckRow = {
  id: string;
  verdict: string;
  message: string | null;
  trigger: string;
  refreshed: boolean;
  createdAt: Date;
};

/** The audit actions the history is drawn from; tests come from TokenCheck rows instead, so they are not doubled. */
export const HISTORY_AUDIT_ACTIONS = ["account_connect", "account_recreate", "account_recreate_failed", "account_disconnect", "token_refresh", "status_change"];

function auditKind(row: AuditEventRow): TimelineEventKind | null {
  switch (row.action) {
    case "account_connect":
      return row.outcome === "success" ? "connected" : null;
    case "account_recreate":
      return "recreated";
    case "account_recreate_failed":
      return "recreate_failed";
    case "account_disconnect":
      return "disconnected";
    // Written when eBay pushes a revocation (lib/notifications): no check found it, eBay said it.
    case "status_change":
      return "revoked_notice";
    case "token_refresh":
      return row.outcome === "success" ? "refreshed" : "refresh_failed";
    default:
      return null;
  }
}

function checkKind(verdict: string): TimelineEventKind {
  if (verdict === "healthy") return "check_healthy";
  if (verdict === "needs_reauth") return "check_needs_reauth";
  return "check_unavailable";
}

const TRIGGER_LABELS: Record<string, string> = { manual: "manual Test", bulk: "bulk check", scheduler: "scheduled check", connect: "check on connect" };

/** Oldest first; same-instant events keep a stable order (by id). */
export function accountHistory(audit: readonly AuditEventRow[], checks: readonly TokenCheckRow[]): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  for (const row of audit) {
    const kind = auditKind(row);
    if (kind) events.push({ id: `audit:${row.id}`, kind, at: row.createdAt, detail: row.detail, actor: row.actorLabel });
  }
  for (const check of checks) {
    const trigger = TRIGGER_LABELS[check.trigger] ?? check.trigger;
    events.push({
      id: `check:${check.id}`,
      kind: checkKind(check.verdict),
      at: check.createdAt,
      detail: [check.message, trigger, check.refreshed ? "refreshed the access token" : null].filter(Boolean).join(" · "),
    });
  }
  return events.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export type EventMarker = {
  kind: TimelineEventKind;
  lane: TimelineLane;
  tone: EventTone;
  percent: number;
  count: number;
  first: Date;
  last: Date;
};

/**
 * Markers for drawing: events of the same kind that would land on (nearly) the same spot are merged into one
 * marker with a count, so a daily check over 18 months is ~100 marks, not 540 overlapping ones.
 * `bins` is how many slots the width is divided into.
 */
export function eventMarkers(axis: TimeAxis, events: readonly TimelineEvent[], bins = 200): EventMarker[] {
  const merged = new Map<string, EventMarker>();
  for (const event of events) {
    const ms = event.at.getTime();
    if (ms < axis.startMs || ms > axis.endMs) continue;
    const slot = Math.min(bins - 1, Math.floor(((ms - axis.startMs) / (axis.endMs - axis.startMs)) * bins));
    const key = `${event.kind}:${slot}`;
    const existing = merged.get(key);
    if (existing) {
      existing.count += 1;
      if (event.at < existing.first) existing.first = event.at;
      if (event.at > existing.last) existing.last = event.at;
      continue;
    }
    const info = EVENT_KINDS[event.kind];
    merged.set(key, { kind: event.kind, lane: info.lane, tone: info.tone, percent: positionPercent(axis, event.at), count: 1, first: event.at, last: event.at });
  }
  return [...merged.values()].sort((a, b) => a.percent - b.percent);
}

export type CheckTick = { percent: number; tone: EventTone; count: number; day: Date; label: string };

/**
 * The fleet view's check ticks for one account: one per UTC day that had checks, toned by the worst verdict of
 * that day (a bad check must never be hidden behind a good one on the same day).
 */
export function checkTicks(axis: TimeAxis, checks: readonly { verdict: string; createdAt: Date }[]): CheckTick[] {
  const byDay = new Map<number, { worst: EventTone; count: number }>();
  for (const check of checks) {
    const ms = check.createdAt.getTime();
    if (ms < axis.startMs || ms > axis.endMs) continue;
    const day = Math.floor(ms / DAY_MS);
    const tone = EVENT_KINDS[checkKind(check.verdict)].tone;
    const entry = byDay.get(day);
    if (!entry) byDay.set(day, { worst: tone, count: 1 });
    else {
      entry.count += 1;
      if (severity(tone) > severity(entry.worst)) entry.worst = tone;
    }
  }
  return [...byDay.entries()]
    .sort(([a], [b]) => a - b)
    .map(([day, { worst, count }]) => {
      const date = new Date(day * DAY_MS + DAY_MS / 2);
      const verdict = worst === "bad" ? "needs re-authorization" : worst === "warn" ? "eBay unavailable" : "healthy";
      return {
        percent: positionPercent(axis, date),
        tone: worst,
        count,
        day: new Date(day * DAY_MS),
        label: `${count} check${count === 1 ? "" : "s"} on ${new Date(day * DAY_MS).toISOString().slice(0, 10)}, worst: ${verdict}`,
      };
    });
}

function severity(tone: EventTone): number {
  return tone === "bad" ? 3 : tone === "warn" ? 2 : tone === "good" ? 1 : 0;
}
