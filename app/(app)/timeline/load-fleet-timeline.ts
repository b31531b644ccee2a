import { normalizeTag } from "@/lib/accounts/tags";
import "server-only";
import type { Db } from "@/lib/db";
import { accountDisplayName } from "@/lib/accounts/account-name";
import { fleetAxis, type TimeAxis } from "@/lib/timeline/axis";
import {
  compareByExpiry,
  countBuckets,
  EXPIRY_BUCKETS,
  expiryBucket,
  isExpiryBucket,
  isTimelineStatus,
  timelineStatus,
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

/**
 * Everything the fleet timeline page draws. The bucket and status of every account are judged in memory (a
 * workspace's accounts are a few thousand rows at most and only a dozen columns are read); the expensive parts,
 * checks and re-create dates, are read only for the rows on the page.
 */
export async function loadFleetTimeline(db: Db, input: { workspaceId: string; now: Date; filters: FleetTimelineFilters }): Promise<FleetTimeline> {
  const { workspaceId, now, filters } = input;
  const [accounts, settings] = await Promise.all([
    db.ebayAccount.findMany({
      where: { workspaceId, status: { not: "disconnected" }, ...(filters.tag ? { tags: { has: filters.tag } } : {}) },
      select: {
        id: true,
        nickname: true,
        ebayUsername: true,
        ebayUserId: true,
        environment: true,
        status: true,
        verdictStatus: true,
        refreshTokenExpiresAt: true,
        authNAuthExpiresAt: true,
        accessTokenExpiresAt: true,
        connectedAt: true,
        lastCheckedAt: true,
      },
    }),
    db.workspaceAlertSettings.findUnique({ where: { workspaceId }, select: { warningDays: true } }),
  ]);
  const warningDays = settings?.warningDays ?? DEFAULT_EXPIRY_WARNING_DAYS;
  const axis = fleetAxis(now);

  const judged = accounts.map((account) => ({
    ...account,
    name: accountDisplayName(account),
    bucket: expiryBucket(account, now),
    timelineStatus: timelineStatus(account, now, warningDays),
  }));
  judged.sort(compareByExpiry);

  const statusFiltered = filters.status === "all" ? judged : judged.filter((account) => account.timelineStatus === filters.status);
  const counts = countBuckets(statusFiltered, (account) => account.bucket);
  const bucketFiltered = filters.bucket === "all" ? judged : judged.filter((account) => account.bucket === filters.bucket);
  const statusCounts: Record<TimelineStatus | "all", number> = { all: bucketFiltered.length, needs_reauth: 0, expiring: 0, ebay_unavailable: 0, unchecked: 0, healthy: 0 };
  for (const account of bucketFiltered) statusCounts[account.timelineStatus] += 1;

  const pageGroups = (filters.bucket === "all" ? EXPIRY_BUCKETS : [filters.bucket]).flatMap((bucket) => {
    const members = statusFiltered.filter((account) => account.bucket === bucket);
    if (members.length === 0) return [];
    if (filters.bucket === "all") {
      return [{ bucket, total: members.length, members: members.slice(0, GROUP_PREVIEW_ROWS), page: 1, pageCount: 1, preview: members.length > GROUP_PREVIEW_ROWS }];
    }
    const pageCount = Math.max(1, Math.ceil(members.length / BUCKET_PAGE_ROWS));
    const page = Math.min(filters.page, pageCount);
    return [{ bucket, total: members.length, members: members.slice((page - 1) * BUCKET_PAGE_ROWS, page * BUCKET_PAGE_ROWS), page, pageCount, preview: false }];
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

  return { now, axis, warningDays, fleetSize: judged.length, counts, statusCounts, groups, filters };
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
