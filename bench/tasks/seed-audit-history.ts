// Bench task: a busy fleet's audit history, BENCH_AUDIT_EVENTS events (1,000,000 by default) over the 18 months
// before the app's now(), written in bulk: multi-row INSERT … SELECT FROM unnest(…) statements of 10,000 rows, on two
// connections at once, in time order (as the product appends them). Each row is what recordAuditEvent writes
// (lib/audit/record.ts auditEventData: the same columns, actors, details, change sets and run ids), with a cuid-shaped
// id stamped at its own time like Prisma's.
//
// The mix follows what such a history holds: mostly scheduled and bulk Tests and refreshes, some sign-ins, connects,
// re-creates and the odd export. An account's events start when it was connected, so history thickens as the fleet
// grew (the fleet's accounts were connected over the same 18 months, bench/tasks/connect-fleet.ts). Deterministic
// (seeded random numbers). Also finds the positions the page bench needs: a cursor BENCH_AUDIT_DEEP_CURSOR events
// down, an account to filter by.
// Inputs (env): DATABASE_URL, BENCH_WORKSPACE_ID, BENCH_USER_ID, BENCH_USER_EMAIL, BENCH_AUDIT_EVENTS,
// BENCH_AUDIT_DEEP_CURSOR. Then settles the database (VACUUM (ANALYZE), CHECKPOINT) before the pages are timed.
import pg from "pg";
import { databaseUrlFromEnv } from "@/lib/db";
import { now } from "@/lib/clock";
import { accountDisplayName } from "@/lib/accounts/account-name";
import type { AuditAction, AuditOutcome } from "@/lib/audit/record";
import { requiredEnv, runTask, writeTaskOutput } from "@/bench/support/task-io";

export type SeedAuditOutput = {
  seeded: number;
  totalInWorkspace: number;
  durationMs: number;
  /** An "older" cursor deepCursorPosition events down the history, made the way lib/audit/query.ts encodes cursors. */
  deepCursor: string;
  deepCursorPosition: number;
  filterAccountId: string;
  filterAccountEvents: number;
  filterActionOutcomeEvents: number;
  /** Rows on disk: table and its indexes. */
  tableBytes: number;
  indexBytes: number;
  /** VACUUM (ANALYZE) of the database and a CHECKPOINT after the load, and the dead rows found before it. */
  settleMs: number;
  deadRowsBeforeSettling: Record<string, number>;
};

const ROWS_PER_STATEMENT = 10_000;
const CONNECTIONS = 2;
const EIGHTEEN_MONTHS_MS = 547.5 * 24 * 60 * 60 * 1000;

/** mulberry32: small, fast, good enough to spread benchmark data reproducibly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type EventShape = { action: AuditAction; weight: number; account: boolean; outcomes: Array<[AuditOutcome, number]>; actor: "user" | "scheduler" | "teammate" };

// Weights are per mille of all events.
const SHAPES: EventShape[] = [
  { action: "account_test", weight: 520, account: true, outcomes: [["success", 0.9], ["failure", 0.1]], actor: "scheduler" },
  { action: "token_refresh", weight: 230, account: true, outcomes: [["success", 0.97], ["failure", 0.03]], actor: "scheduler" },
  { action: "status_change", weight: 40, account: true, outcomes: [["info", 1]], actor: "scheduler" },
  { action: "check_run_start", weight: 20, account: false, outcomes: [["info", 1]], actor: "user" },
  { action: "check_run_finish", weight: 20, account: false, outcomes: [["success", 0.7], ["failure", 0.3]], actor: "user" },
  { action: "sign_in", weight: 70, account: false, outcomes: [["success", 1]], actor: "teammate" },
  { action: "sign_in_failed", weight: 10, account: false, outcomes: [["failure", 0.9], ["refused", 0.1]], actor: "teammate" },
  { action: "sign_out", weight: 30, account: false, outcomes: [["success", 1]], actor: "teammate" },
  { action: "account_connect", weight: 15, account: true, outcomes: [["success", 1]], actor: "user" },
  { action: "account_recreate", weight: 15, account: true, outcomes: [["success", 1]], actor: "user" },
  { action: "account_recreate_failed", weight: 3, account: true, outcomes: [["refused", 1]], actor: "user" },
  { action: "account_rename", weight: 10, account: true, outcomes: [["success", 1]], actor: "teammate" },
  { action: "account_disconnect", weight: 5, account: true, outcomes: [["success", 1]], actor: "user" },
  { action: "oauth_declined", weight: 5, account: false, outcomes: [["info", 1]], actor: "user" },
  { action: "alert_settings_update", weight: 2, account: false, outcomes: [["success", 1]], actor: "user" },
  { action: "audit_export", weight: 5, account: false, outcomes: [["success", 1]], actor: "teammate" },
];
const ACCOUNT_SHARE = SHAPES.filter((shape) => shape.account).reduce((sum, shape) => sum + shape.weight, 0) / 1000;

const DETAILS: Partial<Record<AuditAction, Partial<Record<AuditOutcome, string>>>> = {
  account_test: {
    success: "eBay accepted the token; GetTokenStatus reports it Active.",
    failure: "eBay says the seller revoked this app's access. Re-create the token to reconnect.",
  },
  token_refresh: { success: "Access token refreshed; valid for 2 hours.", failure: "eBay did not answer the refresh in time." },
  status_change: { info: "Status changed from Healthy to Expiring soon." },
  check_run_start: { info: "Started a check of 10000 accounts (All accounts)." },
  check_run_finish: {
    success: "Finished after checking 10000 of 10000: 10000 healthy, 0 need re-authorization, 0 eBay unavailable.",
    failure: "Finished after checking 10000 of 10000: 9941 healthy, 46 need re-authorization, 13 eBay unavailable.",
  },
  sign_in: { success: "Signed in." },
  sign_in_failed: { failure: "Wrong password.", refused: "Sign-in locked for 15 minutes after too many attempts." },
  account_connect: { success: "Connected with the default scopes." },
  account_recreate: { success: "New refresh token issued; valid for 18 months." },
  account_recreate_failed: { refused: "Consent came from another eBay user; nothing was changed." },
  account_rename: { success: "Renamed." },
  account_disconnect: { success: "Tokens deleted; eBay confirmed the revocation." },
  audit_export: { success: "Exported the history as CSV." },
};

function pick<T>(random: () => number, weighted: Array<[T, number]>): T {
  const total = weighted.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [value, weight] of weighted) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return weighted[weighted.length - 1]![0];
}

/**
 * A cuid (v1) as Prisma's client makes them: "c", the time in base 36, a counter, a fingerprint, randomness. Stamped
 * with the event's own time, so ids sort with their events as they would had they been written then.
 */
function cuidMaker(random: () => number): (atMs: number) => string {
  let counter = 0;
  const fingerprint = "bnch";
  const block = () => Math.floor(random() * 36 ** 4).toString(36).padStart(4, "0");
  return (atMs) => {
    counter = (counter + 1) % 36 ** 4;
    return `c${atMs.toString(36).padStart(8, "0")}${counter.toString(36).padStart(4, "0")}${fingerprint}${block()}${block()}`;
  };
}

function encodeOlderCursor(createdAt: Date, id: string): string {
  return Buffer.from(`o.${createdAt.getTime()}.${id}`, "utf8").toString("base64url");
}

type Account = { id: string; name: string; connectedAtMs: number };

/** How many accounts (sorted by connect time) were connected at `atMs`: binary search. */
function connectedBy(accounts: Account[], atMs: number): number {
  let low = 0;
  let high = accounts.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (accounts[middle]!.connectedAtMs <= atMs) low = middle + 1;
    else high = middle;
  }
  return low;
}

type Columns = {
  id: string[];
  actorUserId: Array<string | null>;
  actorLabel: string[];
  accountId: Array<string | null>;
  accountName: Array<string | null>;
  action: string[];
  outcome: string[];
  detail: string[];
  changes: Array<string | null>;
  runId: Array<string | null>;
  createdAt: string[];
};

const emptyColumns = (): Columns => ({
  id: [],
  actorUserId: [],
  actorLabel: [],
  accountId: [],
  accountName: [],
  action: [],
  outcome: [],
  detail: [],
  changes: [],
  runId: [],
  createdAt: [],
});

const INSERT_SQL = `
  INSERT INTO "AuditEvent" ("id", "workspaceId", "actorUserId", "actorLabel", "accountId", "accountName", "action", "outcome",
                            "detail", "changes", "runId", "createdAt")
  SELECT "id", $1, "actorUserId", "actorLabel", "accountId", "accountName", "action", "outcome", "detail", "changes"::jsonb,
         "runId", "createdAt"
  FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
              $11::text[], $12::timestamptz[])
    AS t("id", "actorUserId", "actorLabel", "accountId", "accountName", "action", "outcome", "detail", "changes", "runId", "createdAt")`;

async function main(): Promise<void> {
  const workspaceId = requiredEnv("BENCH_WORKSPACE_ID");
  const userId = requiredEnv("BENCH_USER_ID");
  const userEmail = requiredEnv("BENCH_USER_EMAIL");
  const count = Number(requiredEnv("BENCH_AUDIT_EVENTS"));
  const deepCursorWanted = Number(process.env.BENCH_AUDIT_DEEP_CURSOR ?? Math.floor(count * 0.9));
  const random = seededRandom(20260101);
  const makeId = cuidMaker(random);
  const startedAt = performance.now();
  const pool = new pg.Pool({ connectionString: databaseUrlFromEnv(), max: CONNECTIONS, application_name: "channelkeys-bench-seed" });

  const accountRows = await pool.query<{ id: string; nickname: string | null; ebayUsername: string | null; ebayUserId: string; connectedAt: Date }>(
    `SELECT "id", "nickname", "ebayUsername", "ebayUserId", "connectedAt" FROM "EbayAccount" WHERE "workspaceId" = $1 ORDER BY "connectedAt", "id"`,
    [workspaceId],
  );
  const accounts: Account[] = accountRows.rows.map((row) => ({ id: row.id, name: accountDisplayName(row), connectedAtMs: row.connectedAt.getTime() }));
  if (accounts.length === 0) throw new Error("the workspace has no accounts to write history for");

  // Event times: history before the newest connect (the bench's own runs come after it). Account events are denser
  // when more accounts were connected (rejection sampling on the connected share), other events uniform.
  const end = Math.min(now().getTime(), accounts[accounts.length - 1]!.connectedAtMs) - 1_000;
  const start = end - EIGHTEEN_MONTHS_MS;
  // Whole milliseconds, plus 0.5 for an account's event: one sorted array keeps each time with its kind.
  const times = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    for (;;) {
      const at = Math.floor(start + random() * (end - start));
      // An event is an account's with ACCOUNT_SHARE odds, and such a time is kept in proportion to the fleet's size then.
      if (random() >= ACCOUNT_SHARE) {
        times[index] = at;
        break;
      }
      if (random() < connectedBy(accounts, at) / accounts.length) {
        times[index] = at + 0.5;
        break;
      }
    }
  }
  times.sort();

  const shapes: Array<[EventShape, number]> = SHAPES.map((shape) => [shape, shape.weight]);
  const teammates = [userEmail, "ops@bench-agency.test", "sam@bench-agency.test", "lee@bench-agency.test"];
  const accountShapes = shapes.filter(([shape]) => shape.account);
  const otherShapes = shapes.filter(([shape]) => !shape.account);

  const batchAt = (first: number): Columns => {
    const columns = emptyColumns();
    for (let index = first; index < Math.min(count, first + ROWS_PER_STATEMENT); index++) {
      const atMs = Math.floor(times[index]!);
      const accountEvent = times[index]! !== atMs;
      const connected = connectedBy(accounts, atMs);
      const shape = pick(random, accountEvent ? accountShapes : otherShapes);
      const outcome = pick(random, shape.outcomes);
      const account = shape.account ? accounts[Math.floor(random() * connected)]! : null;
      const actorLabel = shape.actor === "scheduler" ? "scheduler" : shape.actor === "user" ? userEmail : teammates[Math.floor(random() * teammates.length)]!;
      const bulk = shape.actor === "scheduler" && random() < 0.5;
      columns.id.push(makeId(atMs));
      columns.actorUserId.push(actorLabel === userEmail ? userId : null);
      columns.actorLabel.push(actorLabel);
      columns.accountId.push(account?.id ?? null);
      columns.accountName.push(account?.name ?? null);
      columns.action.push(shape.action);
      columns.outcome.push(outcome);
      columns.detail.push(DETAILS[shape.action]?.[outcome] ?? "");
      columns.changes.push(shape.action === "status_change" ? JSON.stringify({ status: ["healthy", "expiring"] }) : null);
      columns.runId.push(bulk ? `benchrun${Math.floor(atMs / 86_400_000).toString(36)}` : null);
      columns.createdAt.push(new Date(atMs).toISOString());
    }
    return columns;
  };

  // Statements go out in time order, CONNECTIONS at a time; rows are built while the previous statements run.
  const inFlight = new Set<Promise<unknown>>();
  for (let first = 0; first < count; first += ROWS_PER_STATEMENT) {
    const columns = batchAt(first);
    const statement = pool
      .query(INSERT_SQL, [
        workspaceId,
        columns.id,
        columns.actorUserId,
        columns.actorLabel,
        columns.accountId,
        columns.accountName,
        columns.action,
        columns.outcome,
        columns.detail,
        columns.changes,
        columns.runId,
        columns.createdAt,
      ])
      .finally(() => inFlight.delete(statement));
    inFlight.add(statement);
    if (inFlight.size >= CONNECTIONS) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const durationMs = Math.round(performance.now() - startedAt);

  // Settle the database before anything is timed: this history stands for 18 months of writes, long vacuumed and
  // checkpointed, and the bench's own bulk connect, bulk check and mixed runs just left every account row updated
  // two or three times. Autovacuum would catch up within minutes; timing pages while it has not (or while a
  // checkpoint flushes a million fresh rows) would measure the bench's data loading, not the pages.
  const settleStartedAt = performance.now();
  const deadRows = await pool.query<{ relname: string; n_dead_tup: string }>(
    `SELECT relname, n_dead_tup FROM pg_stat_user_tables WHERE relname IN ('EbayAccount', 'CheckRunItem', 'TokenCheck', 'AuditEvent') ORDER BY relname`,
  );
  await pool.query("VACUUM (ANALYZE)");
  await pool.query("CHECKPOINT");
  const settleMs = Math.round(performance.now() - settleStartedAt);

  const total = await pool.query<{ count: string }>(`SELECT count(*) FROM "AuditEvent" WHERE "workspaceId" = $1`, [workspaceId]);
  const totalInWorkspace = Number(total.rows[0]!.count);
  const deepCursorPosition = Math.min(deepCursorWanted, totalInWorkspace - 100);
  const deep = await pool.query<{ createdAt: Date; id: string }>(
    `SELECT "createdAt", "id" FROM "AuditEvent" WHERE "workspaceId" = $1 ORDER BY "createdAt" DESC, "id" DESC OFFSET $2 LIMIT 1`,
    [workspaceId, deepCursorPosition],
  );
  // The account connected first has the longest history of any one account.
  const filterAccountId = accounts[0]!.id;
  const accountEvents = await pool.query<{ count: string }>(`SELECT count(*) FROM "AuditEvent" WHERE "workspaceId" = $1 AND "accountId" = $2`, [
    workspaceId,
    filterAccountId,
  ]);
  const failures = await pool.query<{ count: string }>(
    `SELECT count(*) FROM "AuditEvent" WHERE "workspaceId" = $1 AND "action" = 'account_test' AND "outcome" = 'failure'`,
    [workspaceId],
  );
  const sizes = await pool.query<{ table: string; indexes: string }>(
    `SELECT pg_table_size('"AuditEvent"') AS "table", pg_indexes_size('"AuditEvent"') AS "indexes"`,
  );
  const output: SeedAuditOutput = {
    seeded: count,
    totalInWorkspace,
    durationMs,
    deepCursor: encodeOlderCursor(deep.rows[0]!.createdAt, deep.rows[0]!.id),
    deepCursorPosition,
    filterAccountId,
    filterAccountEvents: Number(accountEvents.rows[0]!.count),
    filterActionOutcomeEvents: Number(failures.rows[0]!.count),
    tableBytes: Number(sizes.rows[0]!.table),
    indexBytes: Number(sizes.rows[0]!.indexes),
    settleMs,
    deadRowsBeforeSettling: Object.fromEntries(deadRows.rows.map((row) => [row.relname, Number(row.n_dead_tup)])),
  };
  writeTaskOutput(output);
  await pool.end();
}

runTask(main);
