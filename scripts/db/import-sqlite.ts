// The upgrade path from the SQLite release (0.1): copies a stopped installation's channelkeys.db into PostgreSQL.
//
// - One PostgreSQL transaction for everything (the optional --replace truncate, every row, the queue jobs, the count
//   check): a failure or a count that does not match leaves the database as it was, never half an installation.
// - One SQLite read transaction, so every table is read from the same moment even if the old release is still up.
// - Raw pg, not Prisma: the token columns must arrive as the ciphertext they are (Prisma's encryption extension would
//   seal them again), and ~100k audit events go in as multi-row INSERTs instead of one round trip per row.
// - What to copy comes from both schemas (PRAGMA table_info, information_schema): a column or table only one side
//   has is either a known leftover of the SQLite release (dropped, and said so) or a reason to refuse, never lost
//   silently. Foreign keys decide the order.
// - Work the old release had promised but not done yet becomes queue jobs, as the new release would have made them:
//   open bulk runs go on, unsettled warnings are delivered.
import Database from "better-sqlite3";
import { ENCRYPTED_MODELS } from "@/lib/crypto/encrypted-columns";
import pg from "pg";
import { CHECK_RUN_ITEM_MAX_ATTEMPTS } from "@/lib/checks/check-run-jobs";
import { addJobSql, type JobSpec } from "@/lib/jobs/add-job";
import { EBAY_FLAG, type TaskName } from "@/lib/jobs/task-names";
import { deliverWarningJob } from "@/lib/warnings/warning-jobs";

/** The import did not start: the reason is one line that says what to do. Nothing was written. */
export class ImportRefusedError extends Error {
  override name = "ImportRefusedError";
}

export type ImportSqliteOptions = {
  sqlitePath: string;
  /** A migrated ChannelKeys PostgreSQL database (scripts/db/migrate-database.ts). */
  databaseUrl: string;
  /** Discard the ChannelKeys rows (and their queue jobs) the database already holds, in the same transaction. */
  replace?: boolean;
  /** Most rows per INSERT; PostgreSQL's 65,535 parameters per statement cap it for wide tables. */
  batchRows?: number;
};

export type TableCount = {
  table: string;
  /** null: the table does not exist on that side. */
  sqliteRows: number | null;
  postgresRows: number | null;
  /** Both sides have the table and their counts differ. */
  mismatch: boolean;
  notes: string[];
};

export type ResumedRuns = {
  /** Bulk runs still queued, running or cancelling in SQLite. */
  openRuns: number;
  /** Items given a queue job, as createCheckRun gives them. */
  itemsQueued: number;
  /** Of those, checks the old release's shutdown cut off (their item was running). */
  interruptedChecks: number;
  /** Pending items of runs being cancelled: cancelled, as the cancel asked. */
  itemsCancelled: number;
  /** Open runs with nothing left to check: a job on their first item lets the worker end them and write their summary. */
  runsToEnd: number;
};

export type ImportReport = {
  /** Foreign-key order, then what PostgreSQL alone has, then what SQLite alone has. */
  tables: TableCount[];
  timestampsConverted: number;
  /** Timestamps without a zone (SQLite's CURRENT_TIMESTAMP writes them so), read as UTC. */
  timestampsWithoutZone: number;
  /** accessToken, refreshToken and webhookSecret values, copied as stored. */
  sealedValues: number;
  /** Ids of the token keys those values were sealed with: the key ring must still hold them. */
  sealedWithKeyIds: string[];
  /** Sealed-column values not in the v1.<keyId>.… format (stored before encryption): `npm run keys:rotate` seals them. */
  unsealedValues: number;
  resumedRuns: ResumedRuns;
  /** Warnings not settled yet, given their deliver-warning job. */
  warningDeliveriesQueued: number;
  /** Warning webhooks of the alert settings, now webhook endpoints (as migration 20261129060226 moves them). */
  warningWebhooksMoved: number;
  /** With replace: what the database held before and was discarded. */
  discarded: { rows: number; jobs: number } | null;
  /** False when a count differed: the transaction was rolled back and PostgreSQL is as it was. */
  committed: boolean;
};

/**
 * What the SQLite release had and PostgreSQL no longer does, and why: dropped with a note in the report. Anything
 * else that only SQLite has stops the import.
 */
const DROPPED_TABLES: Readonly<Record<string, string>> = {
  SchedulerLease: "periodic work is the job queue's cron now",
  _prisma_migrations: "PostgreSQL keeps its own migration history",
};
const DROPPED_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  EbayAccount: {
    refreshLeaseOwner: "refreshes single-flight through advisory locks now",
    refreshLeaseUntil: "refreshes single-flight through advisory locks now",
  },
  CheckRun: {
    concurrency: "the job workers set the pace now",
    leaseOwner: "run items are queue jobs now",
    leaseUntil: "run items are queue jobs now",
  },
  Warning: {
    deliveryClaimOwner: "delivery is a queue job now",
    deliveryClaimUntil: "delivery is a queue job now",
    readAt: "read marks are each member's own now (WarningRead): a read warning stays read for every member, as the migration does",
  },
  WorkspaceAlertSettings: {
    webhookUrl: "moved to a webhook endpoint (Settings > Webhooks), as the migration does",
    webhookSecret: "moved to a webhook endpoint (Settings > Webhooks), as the migration does",
  },
};

/** Columns holding token-cipher output (lib/crypto/encrypted-columns.ts), copied byte for byte. */
const SEALED_COLUMNS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  [...ENCRYPTED_MODELS.values()].map((encrypted) => [encrypted.model, [...encrypted.fields]]),
);
// The release wrote v1 (no row binding); `npm run keys:rotate` rewrites the copies as v2 bound to their rows.
const SEALED_VALUE_KEY_ID = /^v[12]\.([A-Za-z0-9_-]{1,64})\./;

/** Queue jobs that point at ChannelKeys rows: meaningless once --replace discards those rows. */
const ROW_BOUND_TASKS: readonly TaskName[] = ["check-run-item", "read-ebay-quota", "evaluate-warnings", "deliver-warning"];

// lib/checks/check-runs.ts's ACTIVE_RUN_STATUSES, which this plain script cannot import (that module is server-only).
const OPEN_RUN_STATUSES = ["queued", "running", "cancelling"];
const MAX_STATEMENT_PARAMETERS = 65_535;
const DEFAULT_BATCH_ROWS = 1_000;
const LOCK_TIMEOUT = "10s";
// Two imports at once would both find the database empty; the second waits for this lock and then sees the rows.
// Named like lib/advisory-lock.ts's keys, so it cannot collide with theirs.
const IMPORT_LOCK_NAME = "import-sqlite";

type ColumnKind = "timestamp" | "json" | "boolean" | "other";
type TargetColumn = { kind: ColumnKind; required: boolean };
type TargetSchema = { tables: Map<string, Map<string, TargetColumn>>; parents: Map<string, Set<string>> };

type SqliteColumn = { name: string; primaryKey: boolean };

type CopyPlan = {
  table: string;
  /** Columns read from SQLite and written to PostgreSQL, with what to convert. */
  columns: Array<{ name: string; kind: ColumnKind; sealed: boolean }>;
  primaryKeyIndex: number;
  dropped: string[];
  filledWithDefaults: string[];
};

type TableTally = { timestamps: number; timestampsWithoutZone: number; booleans: number; jsonValues: number; unparseableJson: number };
type SealedTally = { values: number; keyIds: Set<string>; unsealed: number };

export async function importSqliteDatabase(options: ImportSqliteOptions): Promise<ImportReport> {
  const sqlite = openSqlite(options.sqlitePath);
  const client = new pg.Client({ connectionString: options.databaseUrl, application_name: "channelkeys-import-sqlite" });
  try {
    // Deferred read transaction: every SELECT below sees the file as it was at the first one.
    sqlite.exec("BEGIN");
    await client.connect();
    const sqliteTables = readSqliteTables(sqlite);
    const target = await readTargetSchema(client);
    const plans = planCopy(sqliteTables, target);
    refuseBrokenForeignKeys(sqlite, plans);
    const sqliteCounts = new Map(sqliteTables.map(([table]) => [table, countSqliteRows(sqlite, table)]));

    await client.query("BEGIN");
    try {
      await client.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [IMPORT_LOCK_NAME]);
      const appTables = orderedAppTables(target, sqliteTables);
      const discarded = await clearOrRefuse(client, appTables, options.replace === true);

      const tallies = new Map<string, TableTally>();
      const sealed: SealedTally = { values: 0, keyIds: new Set(), unsealed: 0 };
      const droppedValues = new Map<string, number>();
      for (const plan of plans) {
        for (const column of plan.dropped) droppedValues.set(`${plan.table}.${column}`, countSqliteValues(sqlite, plan.table, column));
        tallies.set(plan.table, await copyTable(sqlite, client, plan, options.batchRows ?? DEFAULT_BATCH_ROWS, sealed));
      }
      const warningWebhooksMoved = await moveWarningWebhooks(sqlite, client, sealed);
      await carryReadMarks(sqlite, client);
      const resumedRuns = await resumeOpenRuns(client);
      const warningDeliveriesQueued = await queueUnsettledWarnings(client);

      const postgresCounts = new Map<string, number>();
      for (const table of appTables) postgresCounts.set(table, await countPostgresRows(client, table));
      const tables = countLines({ appTables, sqliteTables, sqliteCounts, postgresCounts, plans, tallies, droppedValues });
      const committed = tables.every((line) => !line.mismatch);
      await client.query(committed ? "COMMIT" : "ROLLBACK");
      return {
        tables,
        timestampsConverted: sum(tallies, (tally) => tally.timestamps),
        timestampsWithoutZone: sum(tallies, (tally) => tally.timestampsWithoutZone),
        sealedValues: sealed.values,
        sealedWithKeyIds: [...sealed.keyIds].sort(),
        unsealedValues: sealed.unsealed,
        resumedRuns,
        warningDeliveriesQueued,
        warningWebhooksMoved,
        discarded,
        committed,
      };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      if ((error as { code?: string }).code === "55P03") {
        throw new ImportRefusedError(
          `The PostgreSQL database stayed locked for ${LOCK_TIMEOUT}: stop ChannelKeys (web server and workers) and any other import, then run again.`,
        );
      }
      throw error;
    }
  } finally {
    if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
    sqlite.close();
    await client.end().catch(() => {});
  }
}

function openSqlite(sqlitePath: string): Database.Database {
  let sqlite: Database.Database;
  try {
    sqlite = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new ImportRefusedError(`Cannot open ${sqlitePath} as a SQLite database: ${(error as Error).message}`);
  }
  try {
    // Reading the header is what tells a SQLite file from any other file.
    const hasAccounts = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'EbayAccount'").get();
    if (!hasAccounts) throw new ImportRefusedError(`${sqlitePath} is not a ChannelKeys database (it has no EbayAccount table).`);
  } catch (error) {
    sqlite.close();
    if (error instanceof ImportRefusedError) throw error;
    throw new ImportRefusedError(`Cannot read ${sqlitePath} as a SQLite database: ${(error as Error).message}`);
  }
  return sqlite;
}

/** Tables in creation order (the order the release's migrations made them), with their columns. */
function readSqliteTables(sqlite: Database.Database): Array<[string, SqliteColumn[]]> {
  const names = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid")
    .pluck()
    .all() as string[];
  return names.map((table) => {
    const columns = sqlite.prepare(`PRAGMA table_info(${quoteIdentifier(table)})`).all() as Array<{ name: string; pk: number }>;
    return [table, columns.map((column) => ({ name: column.name, primaryKey: column.pk > 0 }))];
  });
}

async function readTargetSchema(client: pg.Client): Promise<TargetSchema> {
  const columns = await client.query<{ table: string; column: string; type: string; required: boolean }>(`
    SELECT c.table_name AS "table", c.column_name AS "column", c.data_type AS "type",
      (c.is_nullable = 'NO' AND c.column_default IS NULL) AS "required"
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> '_prisma_migrations'
    ORDER BY c.table_name, c.ordinal_position`);
  const tables = new Map<string, Map<string, TargetColumn>>();
  for (const row of columns.rows) {
    const table = tables.get(row.table) ?? new Map<string, TargetColumn>();
    table.set(row.column, { kind: columnKind(row.type), required: row.required });
    tables.set(row.table, table);
  }
  if (!tables.has("EbayAccount")) {
    throw new ImportRefusedError("The PostgreSQL database has no ChannelKeys schema: migrate it first (npm run db:migrate).");
  }
  const foreignKeys = await client.query<{ table: string; parent: string }>(`
    SELECT child.relname AS "table", parent.relname AS "parent"
    FROM pg_constraint k
    JOIN pg_class child ON child.oid = k.conrelid
    JOIN pg_class parent ON parent.oid = k.confrelid
    WHERE k.contype = 'f' AND child.relnamespace = current_schema()::regnamespace`);
  const parents = new Map<string, Set<string>>();
  for (const { table, parent } of foreignKeys.rows) {
    if (table !== parent) parents.set(table, (parents.get(table) ?? new Set()).add(parent));
  }
  return { tables, parents };
}

function columnKind(postgresType: string): ColumnKind {
  if (postgresType === "timestamp with time zone" || postgresType === "timestamp without time zone") return "timestamp";
  if (postgresType === "jsonb" || postgresType === "json") return "json";
  if (postgresType === "boolean") return "boolean";
  return "other";
}

function planCopy(sqliteTables: Array<[string, SqliteColumn[]]>, target: TargetSchema): CopyPlan[] {
  const problems: string[] = [];
  const plans = new Map<string, CopyPlan>();
  for (const [table, columns] of sqliteTables) {
    if (table in DROPPED_TABLES) continue;
    const targetColumns = target.tables.get(table);
    if (!targetColumns) {
      problems.push(`table "${table}" has no place in PostgreSQL`);
      continue;
    }
    const known = DROPPED_COLUMNS[table] ?? {};
    const plan: CopyPlan = { table, columns: [], primaryKeyIndex: 0, dropped: [], filledWithDefaults: [] };
    for (const column of columns) {
      const targetColumn = targetColumns.get(column.name);
      if (targetColumn) {
        if (column.primaryKey) plan.primaryKeyIndex = plan.columns.length;
        plan.columns.push({ name: column.name, kind: targetColumn.kind, sealed: SEALED_COLUMNS[table]?.includes(column.name) ?? false });
      } else if (column.name in known) {
        plan.dropped.push(column.name);
      } else {
        problems.push(`column "${table}"."${column.name}" has no place in PostgreSQL`);
      }
    }
    for (const [name, targetColumn] of targetColumns) {
      if (columns.some((column) => column.name === name)) continue;
      if (targetColumn.required) problems.push(`"${table}"."${name}" is required in PostgreSQL and missing in SQLite`);
      else plan.filledWithDefaults.push(name);
    }
    plans.set(table, plan);
  }
  if (problems.length > 0) {
    throw new ImportRefusedError(
      `This SQLite database does not match the schema of the SQLite release this importer knows (${problems.join("; ")}): nothing was imported.`,
    );
  }
  return foreignKeyOrder([...plans.keys()], target.parents).map((table) => plans.get(table)!);
}

/** Parents before children; otherwise the order given (SQLite's creation order), so the report reads like the schema. */
function foreignKeyOrder(tables: string[], parents: Map<string, Set<string>>): string[] {
  const placed: string[] = [];
  const remaining = [...tables];
  while (remaining.length > 0) {
    const next = remaining.findIndex((table) =>
      [...(parents.get(table) ?? [])].every((parent) => placed.includes(parent) || !tables.includes(parent)),
    );
    if (next === -1) throw new Error(`Foreign keys form a cycle among ${remaining.join(", ")}`);
    placed.push(...remaining.splice(next, 1));
  }
  return placed;
}

/**
 * Rows SQLite kept although their parent is gone (its foreign keys are only enforced when a connection asks) would
 * fail in PostgreSQL half way through; saying which up front is clearer.
 */
function refuseBrokenForeignKeys(sqlite: Database.Database, plans: CopyPlan[]): void {
  const broken = new Map<string, number>();
  for (const { table } of plans) {
    for (const violation of sqlite.prepare(`PRAGMA foreign_key_check(${quoteIdentifier(table)})`).all() as Array<{ parent: string }>) {
      const key = `${table} → ${violation.parent}`;
      broken.set(key, (broken.get(key) ?? 0) + 1);
    }
  }
  if (broken.size > 0) {
    const list = [...broken].map(([link, count]) => `${count} ${link}`).join(", ");
    throw new ImportRefusedError(`The SQLite database has rows whose parent row is missing (${list}); PostgreSQL would refuse them: nothing was imported.`);
  }
}

/** Every ChannelKeys table in PostgreSQL, in foreign-key order, the SQLite release's order where it has the table. */
function orderedAppTables(target: TargetSchema, sqliteTables: Array<[string, SqliteColumn[]]>): string[] {
  const sqliteOrder = sqliteTables.map(([table]) => table).filter((table) => target.tables.has(table));
  const postgresOnly = [...target.tables.keys()].filter((table) => !sqliteOrder.includes(table)).sort();
  return foreignKeyOrder([...sqliteOrder, ...postgresOnly], target.parents);
}

async function clearOrRefuse(client: pg.Client, appTables: string[], replace: boolean): Promise<{ rows: number; jobs: number } | null> {
  const held: Array<[string, number]> = [];
  for (const table of appTables) {
    const rows = await countPostgresRows(client, table);
    if (rows > 0) held.push([table, rows]);
  }
  if (!replace) {
    if (held.length === 0) return null;
    const list = held.map(([table, rows]) => `${rows} ${table}`).join(", ");
    throw new ImportRefusedError(
      `The PostgreSQL database already holds ChannelKeys data (${list}); nothing was imported. Run again with --replace to discard it and import, or import into an empty database.`,
    );
  }
  await client.query(`TRUNCATE ${appTables.map(quoteIdentifier).join(", ")}`);
  const jobs = await client.query<{ discarded: string }>(
    `SELECT count(*) AS "discarded" FROM graphile_worker.complete_jobs(ARRAY(
       SELECT id FROM graphile_worker.jobs WHERE task_identifier = ANY($1::text[])))`,
    [ROW_BOUND_TASKS],
  );
  return { rows: held.reduce((total, [, rows]) => total + rows, 0), jobs: Number(jobs.rows[0]?.discarded ?? 0) };
}

async function copyTable(
  sqlite: Database.Database,
  client: pg.Client,
  plan: CopyPlan,
  batchRows: number,
  sealed: SealedTally,
): Promise<TableTally> {
  const tally: TableTally = { timestamps: 0, timestampsWithoutZone: 0, booleans: 0, jsonValues: 0, unparseableJson: 0 };
  const rowsPerStatement = Math.max(1, Math.min(batchRows, Math.floor(MAX_STATEMENT_PARAMETERS / plan.columns.length)));
  const columnList = plan.columns.map((column) => quoteIdentifier(column.name)).join(", ");
  const select = sqlite.prepare(`SELECT ${columnList} FROM ${quoteIdentifier(plan.table)}`).raw();
  let batch: unknown[][] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await insertRows(client, plan, columnList, batch);
    batch = [];
  };
  for (const row of select.iterate() as IterableIterator<unknown[]>) {
    const rowKey = String(row[plan.primaryKeyIndex]);
    batch.push(plan.columns.map((column, index) => convertValue(row[index], column, { table: plan.table, rowKey }, tally, sealed)));
    if (batch.length === rowsPerStatement) await flush();
  }
  await flush();
  return tally;
}

async function insertRows(client: pg.Client, plan: CopyPlan, columnList: string, rows: unknown[][]): Promise<void> {
  const width = plan.columns.length;
  const values = rows
    .map((_, rowIndex) => `(${plan.columns.map((_, columnIndex) => `$${rowIndex * width + columnIndex + 1}`).join(", ")})`)
    .join(", ");
  try {
    await client.query(`INSERT INTO ${quoteIdentifier(plan.table)} (${columnList}) VALUES ${values}`, rows.flat());
  } catch (error) {
    // The message only: PostgreSQL's detail repeats the failing row, tokens included.
    const pgError = error as { message?: string; constraint?: string };
    const constraint = pgError.constraint ? ` (${pgError.constraint})` : "";
    throw new Error(
      `Copying ${plan.table} failed in the rows from id ${String(rows[0]?.[plan.primaryKeyIndex])}: ${pgError.message}${constraint}.`,
    );
  }
}

type RowPosition = { table: string; rowKey: string };

function convertValue(
  value: unknown,
  column: CopyPlan["columns"][number],
  at: RowPosition,
  tally: TableTally,
  sealed: SealedTally,
): unknown {
  if (value === null || value === undefined) return null;
  // PostgreSQL would store a Buffer in a text column as its hex spelling: refuse rather than alter it.
  if (Buffer.isBuffer(value)) throw new ImportRefusedError(`${at.table} ${at.rowKey}: "${column.name}" holds binary data, which ChannelKeys never wrote.`);
  switch (column.kind) {
    case "timestamp": {
      const { iso, hadZone } = timestampFromSqlite(value, column.name, at);
      tally.timestamps += 1;
      if (!hadZone) tally.timestampsWithoutZone += 1;
      return iso;
    }
    case "json": {
      tally.jsonValues += 1;
      const json = jsonbTextFromSqlite(value);
      if (json === null) tally.unparseableJson += 1;
      return json;
    }
    case "boolean":
      tally.booleans += 1;
      return booleanFromSqlite(value, column.name, at);
    case "other":
      if (column.sealed && typeof value === "string") countSealed(value, sealed);
      return typeof value === "bigint" ? value.toString() : value;
  }
}

function countSealed(value: string, sealed: SealedTally): void {
  sealed.values += 1;
  const keyId = SEALED_VALUE_KEY_ID.exec(value)?.[1];
  if (keyId) sealed.keyIds.add(keyId);
  else sealed.unsealed += 1;
}

const SQLITE_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * The release wrote ISO-8601 with an offset (`2026-11-29T05:25:19.317+00:00`); a column default fills in SQLite's
 * `2026-11-29 05:25:19` (UTC, no zone); Prisma's native SQLite connector, before driver adapters, wrote integer epoch
 * milliseconds. All three can be in one file that has lived through those versions.
 */
function timestampFromSqlite(value: unknown, column: string, at: RowPosition): { iso: string; hadZone: boolean } {
  if (typeof value === "number" || typeof value === "bigint") {
    const fromEpoch = new Date(Number(value));
    if (!Number.isNaN(fromEpoch.getTime())) return { iso: fromEpoch.toISOString(), hadZone: true };
  }
  const match = typeof value === "string" ? SQLITE_TIMESTAMP.exec(value.trim()) : null;
  if (match) {
    const [, date, time, fraction = "", zone] = match;
    const offset = !zone || zone.toUpperCase() === "Z" ? "Z" : normalizeOffset(zone);
    // Milliseconds, as timestamptz(3) keeps them.
    const parsed = new Date(`${date}T${time}${fraction.slice(0, 4)}${offset}`);
    if (!Number.isNaN(parsed.getTime())) return { iso: parsed.toISOString(), hadZone: zone !== undefined };
  }
  throw new ImportRefusedError(`${at.table} ${at.rowKey}: "${column}" is not a timestamp (${JSON.stringify(String(value).slice(0, 40))}); nothing was imported.`);
}

function normalizeOffset(zone: string): string {
  const digits = zone.slice(1).replace(":", "");
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2, 4) || "00"}`;
}

/**
 * The change set's JSON text as PostgreSQL's jsonb takes it, or null when it is not JSON (or holds what jsonb cannot:
 * a NUL character or half a surrogate pair). The text itself goes to PostgreSQL, not a re-serialization, so numbers
 * beyond a double's range keep their digits.
 */
function jsonbTextFromSqlite(value: unknown): string | null {
  const text = typeof value === "string" ? value : String(value);
  try {
    return holdsTextJsonbRejects(JSON.parse(text)) ? null : text;
  } catch {
    return null;
  }
}

const JSONB_REJECTED_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function holdsTextJsonbRejects(value: unknown): boolean {
  if (typeof value === "string") return JSONB_REJECTED_TEXT.test(value);
  if (Array.isArray(value)) return value.some(holdsTextJsonbRejects);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).some(([key, field]) => JSONB_REJECTED_TEXT.test(key) || holdsTextJsonbRejects(field));
  }
  return false;
}

function booleanFromSqlite(value: unknown, column: string, at: RowPosition): boolean {
  if (value === 0 || value === 1 || value === 0n || value === 1n) return Number(value) === 1;
  if (value === "true" || value === "false") return value === "true";
  throw new ImportRefusedError(`${at.table} ${at.rowKey}: "${column}" is not a boolean (${JSON.stringify(String(value))}); nothing was imported.`);
}

/**
 * Runs the old release was working on go on in this one: every item still to check gets its queue job (the same
 * job_spec createCheckRun adds, due when the item's retry was due), and a run being cancelled finishes cancelling.
 */
async function resumeOpenRuns(client: pg.Client): Promise<ResumedRuns> {
  const openRuns = await client.query<{ count: string }>(`SELECT count(*) AS "count" FROM "CheckRun" WHERE "status" = ANY($1::text[])`, [
    OPEN_RUN_STATUSES,
  ]);
  const itemsCancelled = await client.query(`
    UPDATE "CheckRunItem" i SET "status" = 'cancelled', "finishedAt" = now()
    FROM "CheckRun" r
    WHERE r."id" = i."runId" AND r."status" = 'cancelling' AND i."status" = 'pending'`);
  // The shutdown cut these checks off: their attempt stays counted and they are checked again (a cancelling run's
  // job then cancels them instead and ends the run, the way a dead worker's check is handled).
  const interrupted = await client.query(
    `UPDATE "CheckRunItem" i SET "status" = 'pending'
     FROM "CheckRun" r
     WHERE r."id" = i."runId" AND r."status" = ANY($1::text[]) AND i."status" = 'running'`,
    [OPEN_RUN_STATUSES],
  );
  const pendingItems = `
    SELECT i."id", i."notBefore", r."createdAt" AS "runCreatedAt"
    FROM "CheckRunItem" i JOIN "CheckRun" r ON r."id" = i."runId"
    WHERE r."status" = ANY($1::text[]) AND i."status" = 'pending'`;
  // Nothing left to check, only the run's ending (its summary, its audit event) is missing: the item job does that
  // when it finds its item finished.
  const firstItemOfFinishedRuns = `
    SELECT DISTINCT ON (r."id") i."id", NULL::timestamptz AS "notBefore", r."createdAt" AS "runCreatedAt"
    FROM "CheckRun" r JOIN "CheckRunItem" i ON i."runId" = r."id"
    WHERE r."status" = ANY($1::text[])
      AND NOT EXISTS (SELECT 1 FROM "CheckRunItem" o WHERE o."runId" = r."id" AND o."status" IN ('pending', 'running'))
    ORDER BY r."id", i."id"`;
  const queued = await client.query<{ items: number; runsToEnd: number }>(
    `WITH pending AS (${pendingItems}), finishing AS (${firstItemOfFinishedRuns}), queued AS (
       SELECT graphile_worker.add_jobs(ARRAY(
         SELECT ROW('check-run-item', json_build_object('itemId', "id"), NULL, "notBefore", $2::int,
                    'check-run-item:' || "id", NULL, ARRAY[$3::text])::graphile_worker.job_spec
         FROM (SELECT * FROM pending UNION ALL SELECT * FROM finishing) AS due
         ORDER BY "runCreatedAt", "id")))
     SELECT (SELECT count(*) FROM pending)::int AS "items", (SELECT count(*) FROM finishing)::int AS "runsToEnd",
       (SELECT count(*) FROM queued)::int AS "added"`,
    [OPEN_RUN_STATUSES, CHECK_RUN_ITEM_MAX_ATTEMPTS, EBAY_FLAG],
  );
  const checking = await client.query<{ count: string }>(`SELECT count(*) AS "count" FROM "CheckRun" WHERE "status" IN ('queued', 'running')`);
  if (Number(checking.rows[0]?.count) > 0) await addJob(client, EBAY_QUOTA_JOB);
  return {
    openRuns: Number(openRuns.rows[0]?.count ?? 0),
    itemsQueued: queued.rows[0]?.items ?? 0,
    interruptedChecks: interrupted.rowCount ?? 0,
    itemsCancelled: itemsCancelled.rowCount ?? 0,
    runsToEnd: queued.rows[0]?.runsToEnd ?? 0,
  };
}

// lib/checks/quota-guard.ts's readEbayQuotaJob(), which createCheckRun adds so eBay's quota is watched while runs go
// on. That module is server-only (it cannot load outside the react-server condition), hence this copy of its spec.
const EBAY_QUOTA_JOB: JobSpec = { task: "read-ebay-quota", payload: {}, jobKey: "read-ebay-quota", jobKeyMode: "unsafe_dedupe" };

/** A warning the old release raised but had not finished sending goes out from the queue, as a new one would. */
/**
 * The SQLite release kept one warning webhook in the alert settings; it is a webhook endpoint now, in the format that
 * keeps its old body and signature (exactly what the teams migration does to a PostgreSQL database that had one). Its
 * secret is copied as the ciphertext it is.
 */
async function moveWarningWebhooks(sqlite: Database.Database, client: pg.Client, sealed: SealedTally): Promise<number> {
  const columns = new Set((sqlite.prepare(`PRAGMA table_info("WorkspaceAlertSettings")`).all() as Array<{ name: string }>).map((column) => column.name));
  if (!columns.has("webhookUrl") || !columns.has("webhookSecret")) return 0;
  const rows = sqlite
    .prepare(`SELECT "workspaceId", "webhookUrl", "webhookSecret" FROM "WorkspaceAlertSettings" WHERE "webhookUrl" IS NOT NULL AND "webhookSecret" IS NOT NULL`)
    .all() as Array<{ workspaceId: string; webhookUrl: string; webhookSecret: string }>;
  for (const row of rows) {
    countSealed(row.webhookSecret, sealed);
    await client.query(
      `INSERT INTO "WebhookEndpoint" ("id", "workspaceId", "url", "description", "signingSecret", "format", "events", "createdAt", "updatedAt")
       VALUES ('legacy_' || $1, $1, $2, 'Warning webhook (from alert settings)', $3, 'legacy_warning',
               ARRAY['account.needs_reauth', 'account.expiring', 'account.unavailable', 'account.recovered'], now(), now())`,
      [row.workspaceId, row.webhookUrl, row.webhookSecret],
    );
  }
  return rows.length;
}

/** A warning someone had marked read (for the whole workspace, then) stays read for every member, as migration 20261129063003 does. */
async function carryReadMarks(sqlite: Database.Database, client: pg.Client): Promise<void> {
  const columns = new Set((sqlite.prepare(`PRAGMA table_info("Warning")`).all() as Array<{ name: string }>).map((column) => column.name));
  if (!columns.has("readAt")) return;
  const read = sqlite.prepare(`SELECT "id", "readAt" FROM "Warning" WHERE "readAt" IS NOT NULL`).all() as Array<{ id: string; readAt: unknown }>;
  for (const warning of read) {
    const { iso } = timestampFromSqlite(warning.readAt, "readAt", { table: "Warning", rowKey: warning.id });
    await client.query(
      `INSERT INTO "WarningRead" ("warningId", "userId", "readAt")
       SELECT w."id", m."userId", $2::timestamptz FROM "Warning" w JOIN "Membership" m ON m."workspaceId" = w."workspaceId" WHERE w."id" = $1
       ON CONFLICT DO NOTHING`,
      [warning.id, iso],
    );
  }
}

async function queueUnsettledWarnings(client: pg.Client): Promise<number> {
  const unsettled = await client.query<{ id: string }>(`SELECT "id" FROM "Warning" WHERE "deliverySettledAt" IS NULL ORDER BY "createdAt", "id"`);
  for (const { id } of unsettled.rows) await addJob(client, deliverWarningJob(id));
  return unsettled.rows.length;
}

/** lib/jobs/add-job.ts's statement, on a pg connection. */
async function addJob(client: pg.Client, spec: JobSpec): Promise<void> {
  const statement = addJobSql(spec);
  await client.query(statement.text, statement.values as unknown[]);
}

function countLines(input: {
  appTables: string[];
  sqliteTables: Array<[string, SqliteColumn[]]>;
  sqliteCounts: Map<string, number>;
  postgresCounts: Map<string, number>;
  plans: CopyPlan[];
  tallies: Map<string, TableTally>;
  droppedValues: Map<string, number>;
}): TableCount[] {
  const lines: TableCount[] = input.appTables.map((table) => {
    const sqliteRows = input.sqliteCounts.get(table) ?? null;
    const postgresRows = input.postgresCounts.get(table) ?? null;
    const plan = input.plans.find((candidate) => candidate.table === table);
    const notes = plan ? tableNotes(plan, input.tallies.get(table), input.droppedValues) : ["new in PostgreSQL"];
    const mismatch = sqliteRows !== null && postgresRows !== sqliteRows;
    if (mismatch) notes.unshift("COUNTS DIFFER");
    return { table, sqliteRows, postgresRows, mismatch, notes };
  });
  for (const [table] of input.sqliteTables) {
    const reason = DROPPED_TABLES[table];
    if (reason) lines.push({ table, sqliteRows: input.sqliteCounts.get(table) ?? 0, postgresRows: null, mismatch: false, notes: [`not copied: ${reason}`] });
  }
  return lines;
}

function tableNotes(plan: CopyPlan, tally: TableTally | undefined, droppedValues: Map<string, number>): string[] {
  const notes: string[] = [];
  const reasons = DROPPED_COLUMNS[plan.table] ?? {};
  const byReason = new Map<string, string[]>();
  for (const column of plan.dropped) {
    const reason = reasons[column] ?? "";
    const values = droppedValues.get(`${plan.table}.${column}`) ?? 0;
    byReason.set(reason, [...(byReason.get(reason) ?? []), `${column} (${values} value${values === 1 ? "" : "s"})`]);
  }
  for (const [reason, columns] of byReason) notes.push(`dropped ${columns.join(", ")}: ${reason}`);
  if (plan.filledWithDefaults.length > 0) notes.push(`not in SQLite, left to PostgreSQL's default: ${plan.filledWithDefaults.join(", ")}`);
  if (tally && tally.booleans > 0) notes.push(`${tally.booleans} 0/1 values → boolean`);
  if (tally && tally.jsonValues > 0) {
    notes.push(`${tally.jsonValues} JSON texts → jsonb, ${tally.unparseableJson} unparseable → NULL`);
  }
  return notes;
}

async function countPostgresRows(client: pg.Client, table: string): Promise<number> {
  const result = await client.query<{ count: string }>(`SELECT count(*) AS "count" FROM ${quoteIdentifier(table)}`);
  return Number(result.rows[0]?.count ?? 0);
}

function countSqliteRows(sqlite: Database.Database, table: string): number {
  return sqlite.prepare(`SELECT count(*) FROM ${quoteIdentifier(table)}`).pluck().get() as number;
}

function countSqliteValues(sqlite: Database.Database, table: string, column: string): number {
  return sqlite.prepare(`SELECT count(${quoteIdentifier(column)}) FROM ${quoteIdentifier(table)}`).pluck().get() as number;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function sum(tallies: Map<string, TableTally>, pick: (tally: TableTally) => number): number {
  let total = 0;
  for (const tally of tallies.values()) total += pick(tally);
  return total;
}

/** The report as the command prints it: one line per table, then what was converted, resumed and queued. */
export function formatImportReport(report: ImportReport): string {
  const header = ["table", "SQLite", "PostgreSQL", "notes"];
  const rows = report.tables.map((line) => [line.table, countText(line.sqliteRows), countText(line.postgresRows), line.notes.join("; ")]);
  const widths = [0, 1, 2].map((index) => Math.max(header[index]!.length, ...rows.map((row) => row[index]!.length)));
  const format = (row: string[]) =>
    `${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padStart(widths[1]!)}  ${row[2]!.padStart(widths[2]!)}  ${row[3]}`.trimEnd();
  const lines = [format(header), ...rows.map(format), ""];

  lines.push(
    `Timestamps: ${report.timestampsConverted} → timestamptz` +
      (report.timestampsWithoutZone > 0 ? ` (${report.timestampsWithoutZone} without a zone, read as UTC)` : "") +
      ".",
  );
  const keyIds = report.sealedWithKeyIds.length > 0 ? `, sealed with key ${report.sealedWithKeyIds.join(", ")}` : "";
  const unsealed = report.unsealedValues > 0 ? `; ${report.unsealedValues} stored unsealed (npm run keys:rotate seals them)` : "";
  lines.push(`Tokens and webhook secrets: ${report.sealedValues} copied as stored${keyIds}${unsealed}.`);
  const runs = report.resumedRuns;
  lines.push(
    runs.openRuns === 0
      ? "Open bulk runs: none."
      : `Open bulk runs: ${runs.openRuns} resumed: ${runs.itemsQueued} items queued (${runs.interruptedChecks} were cut off mid-check), ` +
          `${runs.itemsCancelled} pending items of cancelling runs cancelled, ${runs.runsToEnd} runs with nothing left to check end on their next job.`,
  );
  lines.push(`Warnings not yet delivered: ${report.warningDeliveriesQueued} queued for delivery.`);
  lines.push(`Warning webhooks: ${report.warningWebhooksMoved} moved to webhook endpoints (Settings > Webhooks).`);
  if (report.discarded) {
    lines.push(`Replaced: ${report.discarded.rows} rows and ${report.discarded.jobs} queued jobs the database held before were discarded.`);
  }
  lines.push(
    report.committed
      ? "Every count matches: the import is committed."
      : "Counts differ (COUNTS DIFFER above): the import was rolled back and PostgreSQL is as it was.",
  );
  return lines.join("\n");
}

function countText(count: number | null): string {
  return count === null ? "-" : String(count);
}
