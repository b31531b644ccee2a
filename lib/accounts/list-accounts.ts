// The accounts table's query: one workspace, one status filter, one sort, one page of rows, plus the counts
// behind the filter pills. Filtering, sorting and paging happen in PostgreSQL so a page costs the same whether the
// workspace has 5 accounts or 5,000 (the table used to fetch, render and ship every row).
//
// Raw SQL because two sort keys are computed: the display name (nickname, else eBay username, else user id,
// as accountDisplayName) and the status's urgency rank. Prisma's orderBy can express neither.
import { getEbayConfig } from "@/lib/ebay/config";
import type { Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { ACCOUNT_VIEW_SELECT, toAccountView, type AccountView } from "@/lib/accounts/account-view";
import { ACCOUNTS_PAGE_SIZE, STATUS_FILTERS, type AccountsView, type SortKey, type StatusFilter } from "@/lib/accounts/list-view";
import { DEFAULT_EXPIRY_WARNING_DAYS } from "@/lib/tokens/status-copy";

const DAY_MS = 86_400_000;

export type AccountFilterCounts = Record<StatusFilter, number>;

export type AccountsPage = {
  accounts: AccountView[];
  /** Accounts matching the filter, across all pages. */
  total: number;
  /** The page shown (the requested one, clamped to the last page). */
  page: number;
  pageCount: number;
  pageSize: number;
  counts: AccountFilterCounts;
};

export type ListAccountsInput = {
  workspaceId: string;
  view: AccountsView;
  /** lib/clock now(): decides which healthy accounts count as expiring. */
  now: Date;
  warningDays?: number;
  pageSize?: number;
  /** Only accounts with this tag (lib/accounts/tags.ts). */
  tag?: string | null;
};

/** "AND the account has this tag", or nothing. Uses the GIN index on "tags". */
function tagSql(tag: string | null | undefined): Prisma.Sql {
  return tag ? Prisma.sql`AND "tags" @> ARRAY[${tag}]::text[]` : Prisma.empty;
}

// The expiring cut-off is exactly isExpiring's (expiresAt - now <= warningDays), to the millisecond: timestamptz(3).
function expiringCutoff(now: Date, warningDays: number): Date {
  return new Date(now.getTime() + warningDays * DAY_MS);
}

// earliestTokenExpiry in SQL: the earlier of the refresh token's and the Auth'n'Auth token's expiry (LEAST skips NULLs).
const EXPIRY_SQL = Prisma.raw(`LEAST("refreshTokenExpiresAt", "authNAuthExpiresAt")`);

/** Healthy with a token ending within the warning window (or already past its stored expiry). */
function expiringSql(cutoff: Date): Prisma.Sql {
  return Prisma.sql`("status" = 'healthy' AND ${EXPIRY_SQL} IS NOT NULL AND ${EXPIRY_SQL} <= ${cutoff})`;
}

function filterSql(filter: StatusFilter, cutoff: Date): Prisma.Sql {
  switch (filter) {
    case "all":
      return Prisma.sql`"status" <> 'disconnected'`;
    case "expiring":
      return expiringSql(cutoff);
    default:
      return Prisma.sql`"status" = ${filter}`;
  }
}

// accountDisplayName in SQL: a blank nickname or username falls through to the next. COLLATE "C" keeps the order
// byte-wise whatever the database's locale, so it is the same on every server.
const NAME_SQL = Prisma.raw(`lower(COALESCE(NULLIF(trim("nickname"), ''), NULLIF("ebayUsername", ''), "ebayUserId")) COLLATE "C"`);

// Most urgent first when sorting by status ascending.
const STATUS_RANK_SQL = Prisma.raw(
  `CASE "status" WHEN 'needs_reauth' THEN 0 WHEN 'ebay_unavailable' THEN 1 WHEN 'unchecked' THEN 2 WHEN 'healthy' THEN 3 WHEN 'disconnected' THEN 4 ELSE 9 END`,
);

/**
 * ORDER BY for a sort key. A missing refresh expiry sorts as "latest" (last when ascending); a missing last
 * check as "earliest" (never checked comes first when ascending). Ties go by name, then id, so every row has
 * one fixed position and pages never overlap or skip.
 */
function orderBySql(sort: SortKey, direction: AccountsView["direction"]): Prisma.Sql {
  const dir = Prisma.raw(direction === "ascending" ? "ASC" : "DESC");
  switch (sort) {
    case "name":
      return Prisma.sql`${NAME_SQL} ${dir}, "id" ${dir}`;
    case "status":
      return Prisma.sql`${STATUS_RANK_SQL} ${dir}, ${NAME_SQL} ASC, "id" ASC`;
    case "refreshExpiry":
      return Prisma.sql`(${EXPIRY_SQL} IS NULL) ${dir}, ${EXPIRY_SQL} ${dir}, ${NAME_SQL} ASC, "id" ASC`;
    case "lastChecked":
      return Prisma.sql`("lastCheckedAt" IS NOT NULL) ${dir}, "lastCheckedAt" ${dir}, ${NAME_SQL} ASC, "id" ASC`;
  }
}

type StatusCountRow = { status: string; total: number | bigint; expiring: number | bigint | null };

/** Every pill's count from one GROUP BY (expiring is a conditional sum inside it). */
export async function countAccountsByFilter(
  db: Db,
  input: { workspaceId: string; now: Date; warningDays?: number; tag?: string | null },
): Promise<AccountFilterCounts> {
  const cutoff = expiringCutoff(input.now, input.warningDays ?? DEFAULT_EXPIRY_WARNING_DAYS);
  const rows = await db.$queryRaw<StatusCountRow[]>(Prisma.sql`
    SELECT "status", COUNT(*) AS total, COUNT(*) FILTER (WHERE ${expiringSql(cutoff)}) AS expiring
    FROM "EbayAccount"
    WHERE "workspaceId" = ${input.workspaceId} ${tagSql(input.tag)}
    GROUP BY "status"`);
  const counts = Object.fromEntries(STATUS_FILTERS.map((filter) => [filter, 0])) as AccountFilterCounts;
  for (const row of rows) {
    const total = Number(row.total);
    if (row.status !== "disconnected") counts.all += total;
    if (row.status in counts && row.status !== "all" && row.status !== "expiring") counts[row.status as StatusFilter] += total;
    counts.expiring += Number(row.expiring ?? 0);
  }
  return counts;
}

/** One page of the workspace's accounts for the table, with the pill counts. */
export async function listAccounts(db: Db, input: ListAccountsInput): Promise<AccountsPage> {
  const warningDays = input.warningDays ?? DEFAULT_EXPIRY_WARNING_DAYS;
  const pageSize = input.pageSize ?? ACCOUNTS_PAGE_SIZE;
  const tag = input.tag ?? input.view.tag ?? null;
  const cutoff = expiringCutoff(input.now, warningDays);
  const pageIds = (page: number) =>
    db.$queryRaw<{ id: string }[]>(Prisma.sql`
      SELECT "id" FROM "EbayAccount"
      WHERE "workspaceId" = ${input.workspaceId} AND ${filterSql(input.view.filter, cutoff)} ${tagSql(tag)}
      ORDER BY ${orderBySql(input.view.sort, input.view.direction)}
      LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`);
  const requestedPage = Math.max(1, Math.floor(input.view.page));
  // The counts and the asked-for page at once (one round trip's wait, not two, on every view); the page is asked
  // again only when it turns out to be past the last one.
  const [counts, requestedIds] = await Promise.all([
    countAccountsByFilter(db, { workspaceId: input.workspaceId, now: input.now, warningDays, tag }),
    pageIds(requestedPage),
  ]);
  const total = counts[input.view.filter];
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(requestedPage, pageCount);
  const empty = { accounts: [], total, page, pageCount, pageSize, counts };
  if (total === 0) return empty;

  const idRows = page === requestedPage ? requestedIds : await pageIds(page);
  if (idRows.length === 0) return empty;

  const ids = idRows.map((row) => row.id);
  const rows = await db.ebayAccount.findMany({
    where: { workspaceId: input.workspaceId, id: { in: ids } },
    select: ACCOUNT_VIEW_SELECT,
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const accounts = ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toAccountView(row, getEbayConfig().scopes)] : [];
  });
  return { accounts, total, page, pageCount, pageSize, counts };
}

/**
 * Every account a bulk check "in this filter" covers: all matching accounts of the workspace, not just the
 * page on screen, minus disconnected ones (they have no token to check). Oldest first, as "Check all".
 */
export async function checkableAccountIdsInFilter(
  db: Db,
  input: { workspaceId: string; filter: StatusFilter; now: Date; warningDays?: number; tag?: string | null },
): Promise<string[]> {
  const cutoff = expiringCutoff(input.now, input.warningDays ?? DEFAULT_EXPIRY_WARNING_DAYS);
  const rows = await db.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT "id" FROM "EbayAccount"
    WHERE "workspaceId" = ${input.workspaceId} AND "status" <> 'disconnected' AND ${filterSql(input.filter, cutoff)} ${tagSql(input.tag)}
    ORDER BY "createdAt" ASC, "id" ASC`);
  return rows.map((row) => row.id);
}
