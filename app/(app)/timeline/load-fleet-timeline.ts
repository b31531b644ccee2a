import "server-only";
import { normalizeTag } from "@/lib/accounts/tags";
import type { Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { accountDisplayName } from "@/lib/accounts/account-name";
import { fleetAxis, type TimeAxis } from "@/lib/timeline/axis";
import {
  compareByExpiry,
  DAY_MS,
  EXPIRY_BUCKETS,
  isExpiryBucket,
  isTimelineStatus,
  type BucketCounts,
  type ExpiryBucket,
  type TimelineStatus,
} from "@/lib/timeline/buckets";
import { checkTicks, type CheckTick } from "@/lib/timeline/events";
import { DEFAULT_EXPIRY_WARNING_DAYS } from "@/lib/tokens/status-copy";

/** Rows per group when every group is shown; a group opened on its own pages through all of them. */
export const GROUP_PREVIEW_ROWS = 15;
export const BUCKET_PAGE_ROWS = 50;

export type FleetTimelineFilters = {
  bucket: ExpiryBucket | "all";
  status: TimelineStatus | "all";
  page: number;
  /** Only accounts with this tag (lib/accounts/tags.ts). */
  tag?: string | null;
};

export function parseFleetTimelineFilters(params: Record<string, string | string[] | undefined>): FleetTimelineFilters {
  const one = (key: string) => (typeof params[key] === "string" ? (params[key] as string) : undefined);
  const bucket = one("bucket");
  const status = one("status");
  const page = Number.parseInt(one("page") ?? "1", 10);
  const tag = normalizeTag(one("tag") ?? "");
  return {
    bucket: isExpiryBucket(bucket) ? bucket : "all",
    status: isTimelineStatus(status) ? status : "all",
    page: Number.isFinite(page) && page >= 1 ? page : 1,
    ...(tag ? { tag } : {}),
  };
}

export type FleetTimelineRow = {
  id: string;
  name: string;
  environment: string;
  status: TimelineStatus;
  bucket: ExpiryBucket;
  refreshTokenExpiresAt: Date | null;
  /** The Auth'n'Auth token's hard expiry, when the account holds one: drawn on the same row. */
  authNAuthExpiresAt: Date | null;
  accessTokenExpiresAt: Date | null;
  /** Start of the refresh token's life: the first connect or the last re-create, whichever is later. */
  lifetimeStart: Date;
  lastCheckedAt: Date | null;
  checks: CheckTick[];
};

export type FleetTimelineGroup = {
  bucket: ExpiryBucket;
  total: number;
  rows: FleetTimelineRow[];
  page: number;
  pageCount: number;
  /** Only a preview of the group is shown (every group on one page). */
  preview: boolean;
};

export type FleetTimeline = {
  now: Date;
  axis: TimeAxis;
  warningDays: number;
  /** Accounts in the timeline before any filter (connected, not disconnected). */
  fleetSize: number;
  /** Per bucket, under the status filter. */
  counts: BucketCounts;
  /** Per status, under the bucket filter. */
  statusCounts: Record<TimelineStatus | "all", number>;
  groups: FleetTimelineGroup[];
  filters: FleetTimelineFilters;
};

type JudgedAccount = {
  id: string;
  nickname: string | null;
  ebayUsername: string | null;
  ebayUserId: string;
  environment: string;
  status: string;
  verdictStatus: string;
  refreshTokenExpiresAt: Date | null;
  authNAuthExpiresAt: Date | null;
  accessTokenExpiresAt: Date | null;
  connectedAt: Date;
  lastCheckedAt: Date | null;
  bucket: ExpiryBucket;
  timelineStatus: TimelineStatus;
};

/**
 * Every connected account of the workspace with its bucket and timeline status, judged in SQL exactly as
 * expiryBucket and timelineStatus judge them (lib/timeline/buckets.ts; the bounds are inclusive, to the millisecond,
 * like the timestamptz(3) columns): the page counts all of them but draws a few dozen, so a 10,000-account fleet is
 * counted in PostgreSQL instead of read into this process (that took 300-500 ms a view).
 */
function judgedAccountsSql(workspaceId: string, now: Date, tag: string | null | undefined): Prisma.Sql {
  const within = (days: number) => new Date(now.getTime() + days * DAY_MS);
  // The account's date is the earlier of its two tokens' (earliestTokenExpiry): LEAST skips a NULL as it does.
  return Prisma.sql`
    judged AS (
      SELECT "id", "nickname", "ebayUsername", "ebayUserId", "environment", "status", "verdictStatus", "refreshTokenExpiresAt",
        "authNAuthExpiresAt", "accessTokenExpiresAt", "connectedAt", "lastCheckedAt", "expiresAt",
        CASE
          WHEN "status" = 'needs_reauth' OR ("status" = 'ebay_unavailable' AND "verdictStatus" = 'needs_reauth') THEN 'needs_reauth'
          WHEN "expiresAt" IS NULL OR "expiresAt" <= ${now} THEN 'needs_reauth'
          WHEN "expiresAt" <= ${within(7)} THEN 'within_7'
          WHEN "expiresAt" <= ${within(30)} THEN 'within_30'
          WHEN "expiresAt" <= ${within(90)} THEN 'within_90'
          ELSE 'later'
        END AS "bucket",
        CASE
          WHEN "status" IN ('needs_reauth', 'ebay_unavailable', 'unchecked') THEN "status"
          WHEN "status" = 'healthy' AND "expiresAt" IS NOT NULL
            AND "expiresAt" <= ${now}::timestamptz + make_interval(secs => (SELECT "days" FROM settings) * 86400) THEN 'expiring'
          WHEN "status" = 'healthy' THEN 'healthy'
          ELSE 'unchecked'
        END AS "timelineStatus"
      FROM (
        SELECT *, LEAST("refreshTokenExpiresAt", "authNAuthExpiresAt") AS "expiresAt"
        FROM "EbayAccount"
        WHERE "workspaceId" = ${workspaceId} AND "status" <> 'disconnected'
          ${tag ? Prisma.sql`AND "tags" @> ARRAY[${tag}]::text[]` : Prisma.empty}
      ) AS account
    )`;
}

/**
 * Everything the fleet timeline page draws. Buckets and statuses are counted in PostgreSQL; only the rows a page can
 * show come back (the first of each bucket by expiry, ties included, put in final order by compareByExpiry here), and
 * the expensive parts, checks and re-create dates, are read only for the rows on the page.
 */
export async function loadFleetTimeline(db: Db, input: { workspaceId: string; now: Date; filters: FleetTimelineFilters }): Promise<FleetTimeline> {
  const { workspaceId, now, filters } = input;
  const settingsSql = Prisma.sql`settings AS (
    SELECT COALESCE((SELECT "warningDays" FROM "WorkspaceAlertSettings" WHERE "workspaceId" = ${workspaceId}), ${DEFAULT_EXPIRY_WARNING_DAYS}) AS "days"
  )`;
  const judgedSql = judgedAccountsSql(workspaceId, now, filters.tag);
  // Rows each shown bucket needs: a preview, or every page up to the one asked for (a later page is clamped below).
  const rowsNeeded = filters.bucket === "all" ? GROUP_PREVIEW_ROWS : filters.page * BUCKET_PAGE_ROWS;
  const [settings, tally, candidates] = await Promise.all([
    db.workspaceAlertSettings.findUnique({ where: { workspaceId }, select: { warningDays: true } }),
    db.$queryRaw<Array<{ bucket: ExpiryBucket; timelineStatus: TimelineStatus; accounts: number }>>(Prisma.sql`
      WITH ${settingsSql}, ${judgedSql}
      SELECT "bucket", "timelineStatus", count(*)::int AS "accounts" FROM judged GROUP BY 1, 2`),
    // rank() gives tied expiries one rank, so every account tied with the last one needed comes back too.
    db.$queryRaw<JudgedAccount[]>(Prisma.sql`
      WITH ${settingsSql}, ${judgedSql}, ranked AS (
        SELECT judged.*, rank() OVER (PARTITION BY "bucket" ORDER BY "expiresAt" ASC NULLS FIRST) AS "position"
        FROM judged
        WHERE (${filters.status} = 'all' OR "timelineStatus" = ${filters.status}) AND (${filters.bucket} = 'all' OR "bucket" = ${filters.bucket})
      )
      SELECT * FROM ranked WHERE "position" <= ${rowsNeeded}`),
  ]);
  const warningDays = settings?.warningDays ?? DEFAULT_EXPIRY_WARNING_DAYS;
  const axis = fleetAxis(now);

  const counts: BucketCounts = { needs_reauth: 0, within_7: 0, within_30: 0, within_90: 0, later: 0 };
  const statusCounts: Record<TimelineStatus | "all", number> = { all: 0, needs_reauth: 0, expiring: 0, ebay_unavailable: 0, unchecked: 0, healthy: 0 };
  let fleetSize = 0;
  for (const { bucket, timelineStatus, accounts } of tally) {
    fleetSize += accounts;
    if (filters.status === "all" || timelineStatus === filters.status) counts[bucket] += accounts;
    if (filters.bucket === "all" || bucket === filters.bucket) {
      statusCounts[timelineStatus] += accounts;
      statusCounts.all += accounts;
    }
  }

  const judged = candidates.map((account) => ({ ...account, name: accountDisplayName(account) }));
  judged.sort(compareByExpiry);
  const pageGroups = (filters.bucket === "all" ? EXPIRY_BUCKETS : [filters.bucket]).flatMap((bucket) => {
    const total = counts[bucket];
    if (total === 0) return [];
    const members = judged.filter((account) => account.bucket === bucket);
    if (filters.bucket === "all") {
      return [{ bucket, total, members: members.slice(0, GROUP_PREVIEW_ROWS), page: 1, pageCount: 1, preview: total > GROUP_PREVIEW_ROWS }];
    }
    const pageCount = Math.max(1, Math.ceil(total / BUCKET_PAGE_ROWS));
    const page = Math.min(filters.page, pageCount);
    return [{ bucket, total, members: members.slice((page - 1) * BUCKET_PAGE_ROWS, page * BUCKET_PAGE_ROWS), page, pageCount, preview: false }];
  });

  const shownIds = pageGroups.flatMap((group) => group.members.map((account) => account.id));
  const [checks, recreates] = shownIds.length
    ? await Promise.all([
        db.tokenCheck.findMany({
          where: { workspaceId, accountId: { in: shownIds }, createdAt: { gte: new Date(axis.startMs), lte: new Date(axis.endMs) } },
          select: { accountId: true, verdict: true, createdAt: true },
        }),
        db.auditEvent.groupBy({
          by: ["accountId"],
          where: { workspaceId, accountId: { in: shownIds }, action: "account_recreate" },
          _max: { createdAt: true },
        }),
      ])
    : [[], []];

  const checksByAccount = new Map<string, { verdict: string; createdAt: Date }[]>();
  for (const check of checks) {
    const list = checksByAccount.get(check.accountId);
    if (list) list.push(check);
    else checksByAccount.set(check.accountId, [check]);
  }
  const lastRecreate = new Map(recreates.flatMap((row) => (row.accountId && row._max.createdAt ? [[row.accountId, row._max.createdAt] as const] : [])));

  const groups: FleetTimelineGroup[] = pageGroups.map(({ members, ...group }) => ({
    ...group,
    rows: members.map((account) => {
      const recreatedAt = lastRecreate.get(account.id);
      return {
        id: account.id,
        name: account.name,
        environment: account.environment,
        status: account.timelineStatus,
        bucket: account.bucket,
        refreshTokenExpiresAt: account.refreshTokenExpiresAt,
        authNAuthExpiresAt: account.authNAuthExpiresAt,
        accessTokenExpiresAt: account.accessTokenExpiresAt,
        lifetimeStart: recreatedAt && recreatedAt > account.connectedAt ? recreatedAt : account.connectedAt,
        lastCheckedAt: account.lastCheckedAt,
        checks: checkTicks(axis, checksByAccount.get(account.id) ?? []),
      };
    }),
  }));

  return { now, axis, warningDays, fleetSize, counts, statusCounts, groups, filters };
}

/** The page's URL for a filter change; page numbers only survive when the bucket stays the same. */
export function timelineHref(filters: FleetTimelineFilters, change: Partial<FleetTimelineFilters>): string {
  const next = { ...filters, ...change };
  if (change.bucket !== undefined && change.bucket !== filters.bucket && change.page === undefined) next.page = 1;
  if (change.status !== undefined && change.status !== filters.status && change.page === undefined) next.page = 1;
  const params = new URLSearchParams();
  if (next.bucket !== "all") params.set("bucket", next.bucket);
  if (next.status !== "all") params.set("status", next.status);
  if (next.page > 1 && next.bucket !== "all") params.set("page", String(next.page));
  if (next.tag) params.set("tag", next.tag);
  const query = params.toString();
  return query ? `/timeline?${query}` : "/timeline";
}
