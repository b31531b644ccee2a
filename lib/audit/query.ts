import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { AuditAction, AuditOutcome } from "@/lib/audit/record";
import { isAuditAction, isAuditOutcome } from "@/lib/audit/labels";
import { accountDisplayName } from "@/lib/accounts/account-name";

/** What the history shows of one event: no workspace id, and the table holds no secrets. */
export type AuditEventRow = {
  id: string;
  createdAt: Date;
  actorLabel: string;
  accountId: string | null;
  accountName: string | null;
  action: string;
  outcome: string;
  detail: string;
  /** {field: [before, after]}, as stored (jsonb). */
  changes: Prisma.JsonValue | null;
  runId: string | null;
};

export type AuditEventFilters = {
  accountId?: string;
  action?: AuditAction;
  outcome?: AuditOutcome;
  /** Inclusive lower bound. */
  from?: Date;
  /** Exclusive upper bound. */
  to?: Date;
};

/** workspaceId is required by type and checked at run time: no history query runs unscoped. */
export type AuditScope = AuditEventFilters & { workspaceId: string };

export type ListAuditEventsInput = AuditScope & {
  cursor?: string;
  /** Page size, clamped to 1..200; 50 when omitted. */
  limit?: number;
};

export type AuditEventPage = {
  /** Newest first. */
  events: AuditEventRow[];
  /** Opens the page of older events; null on the oldest page. */
  nextCursor: string | null;
  /** Opens the page of newer events; null on the newest page. */
  prevCursor: string | null;
};

export const DEFAULT_AUDIT_PAGE_SIZE = 50;
const MAX_AUDIT_PAGE_SIZE = 200;

const AUDIT_EVENT_SELECT = {
  id: true,
  createdAt: true,
  actorLabel: true,
  accountId: true,
  accountName: true,
  action: true,
  outcome: true,
  detail: true,
  changes: true,
  runId: true,
} satisfies Prisma.AuditEventSelect;

// ---------------------------------------------------------------------------------------------
// Cursors: an opaque token for a position in (createdAt desc, id desc) order plus the direction
// to read from it. They carry no workspace: the query always adds the caller's workspace, so a
// cursor made from another workspace's event is only a point in time and returns nothing foreign.

type CursorDirection = "older" | "newer";
type AuditPosition = { createdAt: Date; id: string };
type DecodedCursor = AuditPosition & { direction: CursorDirection };

const CURSOR_ID = /^[A-Za-z0-9_-]{1,128}$/;
// Dates that JavaScript can represent (±8.64e15 ms).
const MAX_TIME_MS = 8_640_000_000_000_000;

export class InvalidAuditCursorError extends Error {
  constructor() {
    super("Invalid audit history cursor");
    this.name = "InvalidAuditCursorError";
  }
}

function encodeCursor(direction: CursorDirection, position: AuditPosition): string {
  const raw = `${direction === "older" ? "o" : "n"}.${position.createdAt.getTime()}.${position.id}`;
  return Buffer.from(raw, "utf8").toString("base64url");
}

/** null when the string is not a cursor this module made (or any well-formed equivalent). */
export function decodeAuditCursor(cursor: string): DecodedCursor | null {
  if (cursor.length === 0 || cursor.length > 256 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const raw = Buffer.from(cursor, "base64url").toString("utf8");
  const match = /^([on])\.(-?\d{1,16})\.(.+)$/.exec(raw);
  if (!match) return null;
  const [, dir, ms, id] = match;
  const time = Number(ms);
  if (!Number.isSafeInteger(time) || Math.abs(time) > MAX_TIME_MS || !id || !CURSOR_ID.test(id)) return null;
  return { direction: dir === "o" ? "older" : "newer", createdAt: new Date(time), id };
}

// ---------------------------------------------------------------------------------------------
// Queries

function requireWorkspaceId(workspaceId: string): string {
  if (typeof workspaceId !== "string" || workspaceId.length === 0) {
    throw new Error("Audit history queries need a workspaceId");
  }
  return workspaceId;
}

function scopeWhere(scope: AuditScope): Prisma.AuditEventWhereInput[] {
  const where: Prisma.AuditEventWhereInput[] = [{ workspaceId: requireWorkspaceId(scope.workspaceId) }];
  if (scope.accountId) where.push({ accountId: scope.accountId });
  if (scope.action) where.push({ action: scope.action });
  if (scope.outcome) where.push({ outcome: scope.outcome });
  if (scope.from) where.push({ createdAt: { gte: scope.from } });
  if (scope.to) where.push({ createdAt: { lt: scope.to } });
  return where;
}

// The plain lte/gte bound is redundant with the OR, but it is what lets the database seek into
// the (workspaceId, createdAt, id) index at the cursor instead of scanning down to it.
function olderThan(position: AuditPosition): Prisma.AuditEventWhereInput[] {
  return [
    { createdAt: { lte: position.createdAt } },
    { OR: [{ createdAt: { lt: position.createdAt } }, { createdAt: position.createdAt, id: { lt: position.id } }] },
  ];
}

function newerThan(position: AuditPosition): Prisma.AuditEventWhereInput[] {
  return [
    { createdAt: { gte: position.createdAt } },
    { OR: [{ createdAt: { gt: position.createdAt } }, { createdAt: position.createdAt, id: { gt: position.id } }] },
  ];
}

const NEWEST_FIRST = [{ createdAt: "desc" }, { id: "desc" }] satisfies Prisma.AuditEventOrderByWithRelationInput[];
const OLDEST_FIRST = [{ createdAt: "asc" }, { id: "asc" }] satisfies Prisma.AuditEventOrderByWithRelationInput[];

async function existsBeyond(db: Db, scope: AuditScope, bound: Prisma.AuditEventWhereInput[]): Promise<boolean> {
  const row = await db.auditEvent.findFirst({ where: { AND: [...scopeWhere(scope), ...bound] }, select: { id: true } });
  return row !== null;
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_AUDIT_PAGE_SIZE;
  return Math.min(MAX_AUDIT_PAGE_SIZE, Math.max(1, Math.trunc(limit)));
}

/**
 * One page of a workspace's history, newest first, by keyset pagination on (createdAt, id):
 * the cost of a page does not grow with how deep it is. Throws InvalidAuditCursorError for a
 * cursor it cannot read (parseAuditFilters drops those before they get here).
 */
export async function listAuditEvents(db: Db, input: ListAuditEventsInput): Promise<AuditEventPage> {
  const { cursor, limit, ...scope } = input;
  const pageSize = clampLimit(limit);
  const decoded = cursor === undefined ? null : decodeAuditCursor(cursor);
  if (cursor !== undefined && decoded === null) throw new InvalidAuditCursorError();

  if (decoded?.direction === "newer") {
    const rows = await db.auditEvent.findMany({
      where: { AND: [...scopeWhere(scope), ...newerThan(decoded)] },
      orderBy: OLDEST_FIRST,
      take: pageSize + 1,
      select: AUDIT_EVENT_SELECT,
    });
    // Reaching the top with a short page: show the newest full page instead, as a reader
    // going back to the start expects.
    if (rows.length <= pageSize) return listAuditEvents(db, { ...scope, limit: pageSize });
    const events = rows.slice(0, pageSize).reverse();
    const oldest = events[events.length - 1]!;
    const hasOlder = await existsBeyond(db, scope, olderThan(oldest));
    return {
      events,
      nextCursor: hasOlder ? encodeCursor("older", oldest) : null,
      prevCursor: encodeCursor("newer", events[0]!),
    };
  }

  const rows = await db.auditEvent.findMany({
    where: { AND: [...scopeWhere(scope), ...(decoded ? olderThan(decoded) : [])] },
    orderBy: NEWEST_FIRST,
    take: pageSize + 1,
    select: AUDIT_EVENT_SELECT,
  });
  const events = rows.slice(0, pageSize);
  const hasOlder = rows.length > pageSize;
  // Without a cursor this is the newest page. With one, ask rather than assume: the cursor may
  // have been edited, and a "Newer" link to nothing would be a dead end.
  const newest = events[0];
  const hasNewer = decoded !== null && (await existsBeyond(db, scope, newerThan(newest ?? decoded)));
  return {
    events,
    nextCursor: hasOlder ? encodeCursor("older", events[events.length - 1]!) : null,
    prevCursor: hasNewer ? encodeCursor("newer", newest ?? decoded!) : null,
  };
}

/**
 * Every event matching the filter, newest first, read in keyset batches: for the CSV export,
 * which must not hold 100,000 rows in memory or use OFFSET.
 */
export async function* iterateAuditEvents(
  db: Db,
  scope: AuditScope,
  batchSize = 500,
): AsyncGenerator<AuditEventRow, void, undefined> {
  const take = Math.min(5000, Math.max(1, Math.trunc(batchSize)));
  let after: AuditPosition | null = null;
  for (;;) {
    const batch: AuditEventRow[] = await db.auditEvent.findMany({
      where: { AND: [...scopeWhere(scope), ...(after ? olderThan(after) : [])] },
      orderBy: NEWEST_FIRST,
      take,
      select: AUDIT_EVENT_SELECT,
    });
    yield* batch;
    if (batch.length < take) return;
    after = batch[batch.length - 1]!;
  }
}

/** Tells "this workspace has no history yet" apart from "nothing matches these filters". */
export async function hasAnyAuditEvents(db: Db, workspaceId: string): Promise<boolean> {
  const row = await db.auditEvent.findFirst({
    where: { workspaceId: requireWorkspaceId(workspaceId) },
    select: { id: true },
  });
  return row !== null;
}

export type AuditAccountOption = {
  id: string;
  label: string;
  /** Still a row of the workspace but its tokens were removed. */
  disconnected: boolean;
  /** Known only from the names recorded on its events (the account row is gone). */
  fromHistoryOnly: boolean;
};

const MAX_HISTORY_ONLY_ACCOUNTS = 200;

/**
 * Fleets up to this size get the account filter as a list of every account; larger ones get a field for an account's
 * name or id (a list of 10,000 accounts is 2 MB of HTML on every view of the history, and nobody scrolls it).
 */
export const AUDIT_ACCOUNT_LIST_LIMIT = 500;

type AccountNameColumns = { id: string; nickname: string | null; ebayUsername: string | null; ebayUserId: string; status: string; disconnectedAt: Date | null };

// Explicit select: the token columns never leave the database on these paths.
const ACCOUNT_NAME_SELECT = { id: true, nickname: true, ebayUsername: true, ebayUserId: true, status: true, disconnectedAt: true } as const;

function accountOption(account: AccountNameColumns): AuditAccountOption {
  return {
    id: account.id,
    label: accountDisplayName(account),
    disconnected: account.status === "disconnected" || account.disconnectedAt !== null,
    fromHistoryOnly: false,
  };
}

/**
 * Account ids on the workspace's events that are not (any more) accounts of the workspace, with the last name
 * recorded for each. Walks the distinct account ids of the (workspaceId, accountId, createdAt, id) index one index
 * probe each (a "loose index scan"), so it costs what the number of accounts ever seen costs, not what the history
 * does: a GROUP BY over a million events took 250-400 ms on every view of /audit.
 */
async function historyOnlyAccountOptions(db: Db, workspaceId: string): Promise<AuditAccountOption[]> {
  const rows = await db.$queryRaw<Array<{ accountId: string; accountName: string | null }>>(Prisma.sql`
    WITH RECURSIVE seen AS (
      (SELECT "accountId" FROM "AuditEvent" WHERE "workspaceId" = ${workspaceId} AND "accountId" IS NOT NULL ORDER BY "accountId" LIMIT 1)
      UNION ALL
      SELECT (SELECT e."accountId" FROM "AuditEvent" e
               WHERE e."workspaceId" = ${workspaceId} AND e."accountId" > seen."accountId"
               ORDER BY e."accountId" LIMIT 1)
      FROM seen WHERE seen."accountId" IS NOT NULL
    ), gone AS (
      SELECT seen."accountId" FROM seen
      WHERE seen."accountId" IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM "EbayAccount" a WHERE a."id" = seen."accountId" AND a."workspaceId" = ${workspaceId})
      ORDER BY seen."accountId"
      LIMIT ${MAX_HISTORY_ONLY_ACCOUNTS}
    )
    SELECT gone."accountId",
      -- createdAt alone (no id tie-break) so the (workspaceId, accountId, createdAt) index gives the order.
      (SELECT e."accountName" FROM "AuditEvent" e
        WHERE e."workspaceId" = ${workspaceId} AND e."accountId" = gone."accountId" AND e."accountName" IS NOT NULL
        ORDER BY e."createdAt" DESC LIMIT 1) AS "accountName"
    FROM gone`);
  return rows.map((row) => ({ id: row.accountId, label: row.accountName ?? row.accountId, disconnected: true, fromHistoryOnly: true }));
}

const byLabel = (a: AuditAccountOption, b: AuditAccountOption) => a.label.localeCompare(b.label) || a.id.localeCompare(b.id);

/**
 * The accounts the history can be filtered by: every account of the workspace, disconnected
 * ones included, plus account ids that appear only on events, under their last recorded name.
 */
export async function listAuditAccountOptions(db: Db, workspaceId: string): Promise<AuditAccountOption[]> {
  requireWorkspaceId(workspaceId);
  const accounts = await db.ebayAccount.findMany({ where: { workspaceId }, select: ACCOUNT_NAME_SELECT });
  return [...accounts.map(accountOption), ...(await historyOnlyAccountOptions(db, workspaceId))].sort(byLabel);
}

/** How the page offers the account filter: the whole list for a small fleet, a name-or-id field for a large one. */
export type AuditAccountFilter =
  | { kind: "list"; options: AuditAccountOption[]; selected: AuditAccountOption | null }
  | { kind: "field"; selected: AuditAccountOption | null; /** Why the value given did not pick an account. */ problem: string | null };

/**
 * The account filter for one view of the history. `value` is what the URL's account parameter holds: an account id
 * (the list and every link send ids), or, in the field, an account's name. Never lists a large fleet, and never reads
 * more of the history than an index lookup.
 */
export async function auditAccountFilter(db: Db, workspaceId: string, value: string | undefined): Promise<AuditAccountFilter> {
  requireWorkspaceId(workspaceId);
  // Counting stops past the limit: a large fleet's accounts are not read at all.
  const [{ accounts }] = await db.$queryRaw<[{ accounts: number }]>(Prisma.sql`
    SELECT count(*)::int AS "accounts" FROM (SELECT 1 FROM "EbayAccount" WHERE "workspaceId" = ${workspaceId} LIMIT ${AUDIT_ACCOUNT_LIST_LIMIT + 1}) AS fleet`);
  if (accounts <= AUDIT_ACCOUNT_LIST_LIMIT) {
    const options = await listAuditAccountOptions(db, workspaceId);
    return { kind: "list", options, selected: value ? (options.find((option) => option.id === value) ?? null) : null };
  }
  if (!value) return { kind: "field", selected: null, problem: null };
  const resolved = await resolveAuditAccount(db, workspaceId, value);
  return "problem" in resolved ? { kind: "field", selected: null, problem: resolved.problem } : { kind: "field", selected: resolved.account, problem: null };
}

/**
 * What an account filter value names: an account of the workspace by id, else by its name (nickname, else eBay
 * username, else eBay user id; any case) when exactly one account has it, else an id on the workspace's events
 * whose account is gone. Each is one indexed lookup or one pass over the workspace's accounts, never the history.
 */
export async function resolveAuditAccount(
  db: Db,
  workspaceId: string,
  value: string,
): Promise<{ account: AuditAccountOption } | { problem: string }> {
  requireWorkspaceId(workspaceId);
  const byId = await db.ebayAccount.findFirst({ where: { id: value, workspaceId }, select: ACCOUNT_NAME_SELECT });
  if (byId) return { account: accountOption(byId) };
  // accountDisplayName in SQL (as the accounts table sorts by it).
  const byName = await db.$queryRaw<AccountNameColumns[]>(Prisma.sql`
    SELECT "id", "nickname", "ebayUsername", "ebayUserId", "status", "disconnectedAt" FROM "EbayAccount"
    WHERE "workspaceId" = ${workspaceId}
      AND lower(COALESCE(NULLIF(trim("nickname"), ''), NULLIF("ebayUsername", ''), "ebayUserId")) = lower(${value.trim()})
    ORDER BY "id" LIMIT 2`);
  if (byName.length === 1) return { account: accountOption(byName[0]!) };
  if (byName.length > 1) return { problem: `Several accounts are called “${value}”: enter the account's id to pick one.` };
  const onEvents = await db.auditEvent.findFirst({
    where: { workspaceId, accountId: value },
    // createdAt alone (no id tie-break) so the (workspaceId, accountId, createdAt) index gives the order.
    orderBy: { createdAt: "desc" },
    select: { accountName: true },
  });
  if (onEvents) return { account: { id: value, label: onEvents.accountName ?? value, disconnected: true, fromHistoryOnly: true } };
  return { problem: "The account filter did not match an account of this workspace and was ignored." };
}

/** Current names of these accounts of the workspace (the ones on a page of history), by id. */
export async function currentAccountNames(db: Db, workspaceId: string, accountIds?: readonly string[]): Promise<Map<string, string>> {
  requireWorkspaceId(workspaceId);
  if (accountIds && accountIds.length === 0) return new Map();
  const accounts = await db.ebayAccount.findMany({
    where: { workspaceId, ...(accountIds ? { id: { in: [...new Set(accountIds)] } } : {}) },
    select: { id: true, nickname: true, ebayUsername: true, ebayUserId: true },
  });
  return new Map(accounts.map((account) => [account.id, accountDisplayName(account)]));
}

// ---------------------------------------------------------------------------------------------
// Filters from the URL

export type AuditSearchParams =
  | URLSearchParams
  | Record<string, string | string[] | undefined>;

/** The accepted filter values exactly as they go back into the form and into links. */
export type AuditFilterValues = {
  account?: string;
  action?: AuditAction;
  outcome?: AuditOutcome;
  /** YYYY-MM-DD, a UTC day. */
  from?: string;
  /** YYYY-MM-DD, a UTC day, inclusive. */
  to?: string;
};

export type ParsedAuditFilters = {
  filters: AuditEventFilters;
  values: AuditFilterValues;
  cursor?: string;
  /** One sentence per ignored value, for the page to show. */
  notes: string[];
};

// An account id, or (for a large fleet's account field) an account's name: letters, digits, spaces and . _ @ * -.
const accountValueSchema = z.string().trim().regex(/^[\p{L}\p{N} ._@*-]{1,128}$/u);
const actionSchema = z.string().trim().refine(isAuditAction);
const outcomeSchema = z.string().trim().refine(isAuditOutcome);
const daySchema = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((day) => {
    const date = new Date(`${day}T00:00:00.000Z`);
    // Rejects 2025-02-30 and friends, which Date would roll over into March.
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day && date.getUTCFullYear() >= 1970;
  });

function firstValue(params: AuditSearchParams, key: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
  const value = params[key];
  return Array.isArray(value) ? value[0] : value;
}

function startOfUtcDay(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

function startOfNextUtcDay(day: string): Date {
  const date = startOfUtcDay(day);
  date.setUTCDate(date.getUTCDate() + 1);
  return date;
}

/**
 * Reads the history filters from a page's searchParams. Never throws: a value it cannot use is
 * dropped, and a note says so, so a mistyped or stale link still shows the history.
 */
export function parseAuditFilters(searchParams: AuditSearchParams): ParsedAuditFilters {
  const notes: string[] = [];
  const values: AuditFilterValues = {};
  const filters: AuditEventFilters = {};

  const read = <T>(key: string, schema: z.ZodType<T>, note: string): T | undefined => {
    const raw = firstValue(searchParams, key);
    if (raw === undefined || raw.trim() === "") return undefined;
    const result = schema.safeParse(raw);
    if (!result.success) {
      notes.push(note);
      return undefined;
    }
    return result.data;
  };

  const account = read("account", accountValueSchema, "The account filter was not valid and was ignored.");
  if (account) values.account = filters.accountId = account;

  const action = read("action", actionSchema, "The action filter was not recognised and was ignored.");
  if (action && isAuditAction(action)) values.action = filters.action = action;

  const outcome = read("outcome", outcomeSchema, "The outcome filter was not recognised and was ignored.");
  if (outcome && isAuditOutcome(outcome)) values.outcome = filters.outcome = outcome;

  let from = read("from", daySchema, "The “from” date was not a valid date and was ignored.");
  let to = read("to", daySchema, "The “to” date was not a valid date and was ignored.");
  if (from && to && from > to) {
    [from, to] = [to, from];
    notes.push("The “from” date was after the “to” date, so the two were swapped.");
  }
  if (from) {
    values.from = from;
    filters.from = startOfUtcDay(from);
  }
  if (to) {
    values.to = to;
    filters.to = startOfNextUtcDay(to);
  }

  const rawCursor = firstValue(searchParams, "cursor");
  let cursor: string | undefined;
  if (rawCursor !== undefined && rawCursor !== "") {
    if (decodeAuditCursor(rawCursor)) cursor = rawCursor;
    else notes.push("The page link was not valid, so the newest events are shown.");
  }

  return { filters, values, cursor, notes };
}

/** Query string for the same filters (and optionally a page): for Newer/Older links and the export. */
export function auditFilterQuery(values: AuditFilterValues, cursor?: string | null): string {
  const params = new URLSearchParams();
  if (values.account) params.set("account", values.account);
  if (values.action) params.set("action", values.action);
  if (values.outcome) params.set("outcome", values.outcome);
  if (values.from) params.set("from", values.from);
  if (values.to) params.set("to", values.to);
  if (cursor) params.set("cursor", cursor);
  return params.toString();
}

export function hasActiveAuditFilters(values: AuditFilterValues): boolean {
  return Boolean(values.account || values.action || values.outcome || values.from || values.to);
}
