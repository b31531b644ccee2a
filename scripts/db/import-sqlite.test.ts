// The SQLite → PostgreSQL import against the database the 0.1 release really wrote (test/fixtures/sqlite-release-0.1,
// rebuilt into a SQLite file for each test) and a real, migrated PostgreSQL database of the test's own.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCheckRun } from "@/lib/checks/check-runs";
import { runCheckRunItemJob } from "@/lib/checks/check-run-item-task";
import { createTokenCipher, useTokenKeyRing } from "@/lib/crypto/token-cipher";
import { readKeyFile } from "@/lib/crypto/token-keys";
import { createDbClient, type Db } from "@/lib/db";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { formatImportReport, importSqliteDatabase, ImportRefusedError, type ImportReport } from "./import-sqlite";

const FIXTURE_DIR = path.resolve(import.meta.dirname, "../../test/fixtures/sqlite-release-0.1");
const FIXTURE_KEY_FILE = path.join(FIXTURE_DIR, "token-keys.json");
const fixtureRing = readKeyFile(FIXTURE_KEY_FILE);
const fixtureCipher = createTokenCipher(fixtureRing);
// The SQLite release wrote the v1 format, which carries no table/row binding: it opens wherever it lies.
const UNBOUND = { table: "EbayAccount", column: "accessToken", rowId: "v1-values-are-unbound" };

/** The tables both releases have, in the order the importer copies them. */
const COPIED_TABLES = [
  "User",
  "Workspace",
  "Membership",
  "EbayAccount",
  "TokenCheck",
  "OAuthState",
  "AuditEvent",
  "RateLimitBucket",
  "CheckRun",
  "CheckRunItem",
  "Warning",
  "WorkspaceAlertSettings",
];
const DROPPED_COLUMNS = new Set([
  "EbayAccount.refreshLeaseOwner",
  "EbayAccount.refreshLeaseUntil",
  "CheckRun.concurrency",
  "CheckRun.leaseOwner",
  "CheckRun.leaseUntil",
  "Warning.deliveryClaimOwner",
  "Warning.deliveryClaimUntil",
  // Moved to a webhook endpoint and to per-member read marks (each checked on its own below).
  "WorkspaceAlertSettings.webhookUrl",
  "WorkspaceAlertSettings.webhookSecret",
  "Warning.readAt",
]);
const PRIMARY_KEYS: Record<string, string> = { RateLimitBucket: "key", WorkspaceAlertSettings: "workspaceId" };

// Fixture rows the open-run test reopens: a completed run of four items and a cancelled run of three.
const COMPLETED_RUN_ID = "cmx1eb7uh001rha7dd71ro8wo";
const CANCELLED_RUN_ID = "cmx1ebdzq002uha7dhg6aavjt";

type SqliteRow = Record<string, unknown>;
type QueuedJob = {
  task: string;
  key: string | null;
  payload: Record<string, unknown>;
  run_at: Date;
  max_attempts: number;
  priority: number;
  flags: Record<string, boolean> | null;
  job_queue_id: number | null;
};

let workDir: string;
let sqlitePath: string;
let testDb: TestDatabase;
const appClients: Db[] = [];

beforeEach(async () => {
  workDir = mkdtempSync(path.join(os.tmpdir(), "channelkeys-import-"));
  sqlitePath = path.join(workDir, "channelkeys.db");
  const sqlite = new Database(sqlitePath);
  sqlite.exec(readFileSync(path.join(FIXTURE_DIR, "channelkeys.sql"), "utf8"));
  sqlite.close();
  testDb = await createTestDatabase();
});
afterEach(async () => {
  useTokenKeyRing(null);
  await Promise.all(appClients.splice(0).map((client) => client.$disconnect()));
  await testDb.cleanup();
  rmSync(workDir, { recursive: true, force: true });
});

function editSqlite(sql: string, ...params: unknown[]): void {
  const sqlite = new Database(sqlitePath);
  try {
    sqlite.prepare(sql).run(...params);
  } finally {
    sqlite.close();
  }
}

function readSqlite<Row = SqliteRow>(sql: string, ...params: unknown[]): Row[] {
  const sqlite = new Database(sqlitePath, { readonly: true });
  try {
    return sqlite.prepare(sql).all(...params) as Row[];
  } finally {
    sqlite.close();
  }
}

/** The app's client, opening tokens with the SQLite release's key ring. */
function appClientWithFixtureKeys(): Db {
  const client = createDbClient(testDb.url, { tokenCipher: fixtureCipher, poolSize: 2 });
  appClients.push(client);
  return client;
}

function importFixture(options: { replace?: boolean } = {}): Promise<ImportReport> {
  return importSqliteDatabase({ sqlitePath, databaseUrl: testDb.url, ...options });
}

async function postgresCount(table: string): Promise<number> {
  const [row] = await testDb.query<{ count: string }>(`SELECT count(*) AS "count" FROM "${table}"`);
  return Number(row!.count);
}

async function queuedJobs(): Promise<QueuedJob[]> {
  return testDb.query<QueuedJob>(`
    SELECT t.identifier AS "task", j.key, j.payload, j.run_at, j.max_attempts, j.priority, j.flags, j.job_queue_id
    FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    ORDER BY j.id`);
}

/** Every row of every table and every queued job, as text: equal snapshots mean nothing changed. */
async function snapshotDatabase(): Promise<Record<string, string>> {
  const tables = await testDb.query<{ table: string }>(
    `SELECT table_name AS "table" FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const snapshot: Record<string, string> = {};
  for (const { table } of tables) {
    const [row] = await testDb.query<{ rows: string | null }>(`SELECT string_agg(t::text, E'\\n' ORDER BY t::text) AS "rows" FROM "${table}" t`);
    snapshot[table] = row!.rows ?? "";
  }
  snapshot.jobs = JSON.stringify(await queuedJobs());
  return snapshot;
}

describe("importSqliteDatabase", () => {
  it("copies every row of every table: the counts in SQLite and PostgreSQL are equal, leftovers are dropped and said so", async () => {
    const report = await importFixture();

    expect(report.committed).toBe(true);
    for (const table of COPIED_TABLES) {
      const [sqlite] = readSqlite<{ count: number }>(`SELECT count(*) AS "count" FROM "${table}"`);
      expect(sqlite!.count, table).toBeGreaterThan(0);
      expect(await postgresCount(table), table).toBe(sqlite!.count);
      expect(report.tables.find((line) => line.table === table), table).toMatchObject({
        sqliteRows: sqlite!.count,
        postgresRows: sqlite!.count,
        mismatch: false,
      });
    }
    const newInPostgres = [
      "AlertRecipient",
      "ApiKey",
      "EbayCallPause",
      "EbayNotification",
      "Invitation",
      "PasswordResetToken",
      "ReauthLink",
      "WarningRead",
      "WebhookDelivery",
      "WebhookEndpoint",
    ];
    // Copied tables in foreign-key order, then what only one side has.
    expect(report.tables.map((line) => line.table).filter((table) => COPIED_TABLES.includes(table))).toEqual(COPIED_TABLES);
    expect(new Set(report.tables.map((line) => line.table))).toEqual(new Set([...COPIED_TABLES, ...newInPostgres, "_prisma_migrations", "SchedulerLease"]));
    expect(report.tables.find((line) => line.table === "SchedulerLease")).toMatchObject({
      sqliteRows: 1,
      postgresRows: null,
      notes: [expect.stringContaining("not copied")],
    });
    expect(report.tables.find((line) => line.table === "CheckRun")!.notes.join(" ")).toMatch(/dropped concurrency \(3 values\)/);
    expect(report.tables.find((line) => line.table === "EbayAccount")!.notes.join(" ")).toMatch(/dropped refreshLeaseOwner/);
    expect(report.tables.find((line) => line.table === "Warning")!.notes.join(" ")).toMatch(/dropped deliveryClaimOwner/);
    // PostgreSQL's migration history stays its own: none of the SQLite release's migrations appear in it.
    const migrations = await testDb.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations"`);
    const sqliteMigrations = readSqlite<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations"`);
    expect(migrations.map((row) => row.migration_name)).not.toContain(sqliteMigrations[0]!.migration_name);

    const printed = formatImportReport(report);
    expect(printed).toMatch(/^AuditEvent\s+82\s+82\s+17 JSON texts → jsonb, 0 unparseable → NULL$/m);
    expect(printed).toContain("Every count matches");
  });

  it("keeps every field of every row: timestamps to the millisecond, booleans, change sets as objects", async () => {
    await importFixture();

    let fieldsCompared = 0;
    for (const table of COPIED_TABLES) {
      const key = PRIMARY_KEYS[table] ?? "id";
      const postgresRows = new Map((await testDb.query(`SELECT * FROM "${table}"`)).map((row) => [row[key], row]));
      for (const sqliteRow of readSqlite(`SELECT * FROM "${table}"`)) {
        const postgresRow = postgresRows.get(sqliteRow[key]);
        expect(postgresRow, `${table} ${String(sqliteRow[key])}`).toBeDefined();
        for (const [column, stored] of Object.entries(sqliteRow)) {
          if (DROPPED_COLUMNS.has(`${table}.${column}`)) continue;
          const copied = postgresRow![column];
          const where = `${table}.${column} of ${String(sqliteRow[key])}`;
          if (copied instanceof Date) expect(copied.getTime(), where).toBe(Date.parse(stored as string));
          else if (typeof copied === "boolean") expect(copied, where).toBe(stored === 1);
          else if (table === "AuditEvent" && column === "changes") expect(copied, where).toEqual(stored === null ? null : JSON.parse(stored as string));
          else expect(copied, where).toBe(stored);
          fieldsCompared += 1;
        }
      }
    }
    expect(fieldsCompared).toBeGreaterThan(2_500);

    // And as the app reads them.
    const db = appClientWithFixtureKeys();
    const [settingsChange] = readSqlite<{ id: string; changes: string; createdAt: string }>(
      `SELECT "id", "changes", "createdAt" FROM "AuditEvent" WHERE "action" = 'alert_settings_update' AND "changes" LIKE '%webhookSecret%'`,
    );
    const event = await db.auditEvent.findUniqueOrThrow({ where: { id: settingsChange!.id } });
    expect(event.changes).toEqual(JSON.parse(settingsChange!.changes));
    expect(event.createdAt).toEqual(new Date(settingsChange!.createdAt));
    const [check] = readSqlite<{ id: string; refreshed: number; createdAt: string }>(`SELECT "id", "refreshed", "createdAt" FROM "TokenCheck" ORDER BY "id" LIMIT 1`);
    const readBack = await db.tokenCheck.findUniqueOrThrow({ where: { id: check!.id } });
    expect(readBack).toMatchObject({ refreshed: check!.refreshed === 1, createdAt: new Date(check!.createdAt) });
  });

  it("copies tokens and webhook secrets as the ciphertext they are: the SQLite release's key ring opens them, in the app too", async () => {
    const report = await importFixture();

    const stored = readSqlite<{ id: string; accessToken: string | null; refreshToken: string | null }>(
      `SELECT "id", "accessToken", "refreshToken" FROM "EbayAccount" ORDER BY "id"`,
    );
    const copied = await testDb.query<{ id: string; accessToken: string | null; refreshToken: string | null }>(
      `SELECT "id", "accessToken", "refreshToken" FROM "EbayAccount" ORDER BY "id"`,
    );
    expect(copied).toEqual(stored);
    const sealedTokens = copied.flatMap((row) => [row.accessToken, row.refreshToken]).filter((value): value is string => value !== null);
    expect(sealedTokens.length).toBeGreaterThan(30);
    for (const token of sealedTokens) expect(() => fixtureCipher.decrypt(token, UNBOUND)).not.toThrow();
    expect(report.sealedWithKeyIds).toEqual([...fixtureRing.byId.keys()]);
    expect(report.unsealedValues).toBe(0);

    const accounts = await appClientWithFixtureKeys().ebayAccount.findMany({
      omit: { accessToken: false, refreshToken: false },
      orderBy: { id: "asc" },
    });
    expect(accounts.map((account) => account.id)).toEqual(copied.map((row) => row.id));
    for (const [index, account] of accounts.entries()) {
      const raw = copied[index]!;
      expect(account.accessToken).toBe(raw.accessToken === null ? null : fixtureCipher.decrypt(raw.accessToken, UNBOUND));
      expect(account.refreshToken).toBe(raw.refreshToken === null ? null : fixtureCipher.decrypt(raw.refreshToken, UNBOUND));
    }

    // The warning webhook of the alert settings is a webhook endpoint now, its secret the same ciphertext.
    const [secretRow] = readSqlite<{ workspaceId: string; webhookUrl: string; webhookSecret: string }>(
      `SELECT "workspaceId", "webhookUrl", "webhookSecret" FROM "WorkspaceAlertSettings" WHERE "webhookSecret" IS NOT NULL`,
    );
    const [endpoint] = await testDb.query<{ url: string; signingSecret: string; format: string; events: string[] }>(
      `SELECT "url", "signingSecret", "format", "events" FROM "WebhookEndpoint" WHERE "workspaceId" = $1`,
      [secretRow!.workspaceId],
    );
    expect(endpoint).toMatchObject({ url: secretRow!.webhookUrl, signingSecret: secretRow!.webhookSecret, format: "legacy_warning" });
    expect(report.warningWebhooksMoved).toBe(1);
    useTokenKeyRing(fixtureRing);
    const opened = await appClientWithFixtureKeys().webhookEndpoint.findFirstOrThrow({
      where: { workspaceId: secretRow!.workspaceId },
      omit: { signingSecret: false },
    });
    expect(opened.signingSecret).toBe(fixtureCipher.decrypt(secretRow!.webhookSecret, UNBOUND));

    // A warning marked read (for the whole workspace in 0.1) stays read for every member of its workspace.
    const readInSqlite = readSqlite<{ id: string; workspaceId: string }>(`SELECT "id", "workspaceId" FROM "Warning" WHERE "readAt" IS NOT NULL ORDER BY "id"`);
    expect(readInSqlite.length).toBeGreaterThan(0);
    const expectedMarks: string[] = [];
    for (const warning of readInSqlite) {
      const members = readSqlite<{ userId: string }>(`SELECT "userId" FROM "Membership" WHERE "workspaceId" = ?`, warning.workspaceId);
      for (const member of members) expectedMarks.push(`${warning.id}:${member.userId}`);
    }
    const marks = await testDb.query<{ mark: string }>(`SELECT "warningId" || ':' || "userId" AS "mark" FROM "WarningRead"`);
    expect(marks.map((row) => row.mark).sort()).toEqual(expectedMarks.sort());
  });

  it("resumes open bulk runs through the queue and queues the delivery of unsettled warnings", async () => {
    // The old release stopped in the middle of two runs: one checking (an item at eBay, one waiting for its
    // Retry-After, one not started yet), one being cancelled; and while a warning was still being sent.
    const completedItems = readSqlite<{ id: string }>(`SELECT "id" FROM "CheckRunItem" WHERE "runId" = ? ORDER BY "id"`, COMPLETED_RUN_ID);
    const [atEbay, waitingForRetry, notStarted, finished] = completedItems.map((item) => item.id);
    editSqlite(
      `UPDATE "CheckRun" SET "status" = 'running', "finishedAt" = NULL, "leaseOwner" = 'vm:41:old', "leaseUntil" = '2026-11-29T05:25:40.000+00:00' WHERE "id" = ?`,
      COMPLETED_RUN_ID,
    );
    editSqlite(`UPDATE "CheckRunItem" SET "status" = 'running', "finishedAt" = NULL WHERE "id" = ?`, atEbay);
    editSqlite(`UPDATE "CheckRunItem" SET "status" = 'pending', "notBefore" = '2030-01-01T00:00:00.000+00:00' WHERE "id" = ?`, waitingForRetry);
    editSqlite(`UPDATE "CheckRunItem" SET "status" = 'pending', "notBefore" = NULL, "startedAt" = NULL, "finishedAt" = NULL WHERE "id" = ?`, notStarted);
    editSqlite(`UPDATE "CheckRun" SET "status" = 'cancelling', "finishedAt" = NULL WHERE "id" = ?`, CANCELLED_RUN_ID);
    const [cancelledItem] = readSqlite<{ id: string }>(`SELECT "id" FROM "CheckRunItem" WHERE "runId" = ? AND "status" = 'cancelled'`, CANCELLED_RUN_ID);
    editSqlite(`UPDATE "CheckRunItem" SET "status" = 'pending', "finishedAt" = NULL WHERE "id" = ?`, cancelledItem!.id);
    const [firstCancellingItem] = readSqlite<{ id: string }>(`SELECT min("id") AS "id" FROM "CheckRunItem" WHERE "runId" = ?`, CANCELLED_RUN_ID);
    const [unsettled] = readSqlite<{ id: string }>(`SELECT "id" FROM "Warning" WHERE "resolvedAt" IS NULL`);
    editSqlite(
      `UPDATE "Warning" SET "deliverySettledAt" = NULL, "deliveryClaimOwner" = 'vm:41:old', "deliveryClaimUntil" = '2026-11-29T05:26:30.000+00:00' WHERE "id" = ?`,
      unsettled!.id,
    );

    const report = await importFixture();

    expect(report.committed).toBe(true);
    expect(report.resumedRuns).toEqual({ openRuns: 2, itemsQueued: 3, interruptedChecks: 1, itemsCancelled: 1, runsToEnd: 1 });
    expect(report.warningDeliveriesQueued).toBe(1);
    const items = await testDb.query<{ id: string; status: string; finishedAt: Date | null }>(
      `SELECT "id", "status", "finishedAt" FROM "CheckRunItem" WHERE "runId" IN ($1, $2) ORDER BY "id"`,
      [COMPLETED_RUN_ID, CANCELLED_RUN_ID],
    );
    const statusOf = (id: string) => items.find((item) => item.id === id)?.status;
    expect([atEbay, waitingForRetry, notStarted, finished].map((id) => statusOf(id!))).toEqual(["pending", "pending", "pending", "done"]);
    expect(items.find((item) => item.id === cancelledItem!.id)).toMatchObject({ status: "cancelled", finishedAt: expect.any(Date) });

    const jobs = await queuedJobs();
    const itemJobs = jobs.filter((job) => job.task === "check-run-item");
    // add_jobs does not keep the array's order in the job ids, so the jobs are compared by item.
    const jobOf = (itemId: string) => itemJobs.find((job) => job.key === `check-run-item:${itemId}`);
    expect(itemJobs).toHaveLength(4);
    for (const itemId of [atEbay!, waitingForRetry!, notStarted!, firstCancellingItem!.id]) {
      expect(jobOf(itemId), itemId).toMatchObject({ payload: { itemId } });
    }
    expect(jobOf(waitingForRetry!)!.run_at).toEqual(new Date("2030-01-01T00:00:00.000Z"));
    expect(jobOf(atEbay!)!.run_at.getTime()).toBeLessThanOrEqual(Date.now());
    expect(jobs.filter((job) => job.task === "read-ebay-quota").map((job) => job.key)).toEqual(["read-ebay-quota"]);
    expect(jobs.filter((job) => job.task === "deliver-warning")).toEqual([
      expect.objectContaining({ key: `deliver-warning:${unsettled!.id}`, payload: { warningId: unsettled!.id }, max_attempts: 13 }),
    ]);

    // The jobs are the ones createCheckRun makes for a new run, but for their item and due time.
    const [account] = await testDb.query<{ id: string; workspaceId: string }>(
      `SELECT "id", "workspaceId" FROM "EbayAccount" WHERE "status" <> 'disconnected' ORDER BY "id" LIMIT 1`,
    );
    const { runId } = await createCheckRun(testDb.db, {
      workspaceId: account!.workspaceId,
      actor: { userId: null, label: "test" },
      accountIds: [account!.id],
      trigger: "manual",
    });
    const [newItem] = await testDb.query<{ id: string }>(`SELECT "id" FROM "CheckRunItem" WHERE "runId" = $1`, [runId]);
    const newJob = (await queuedJobs()).find((job) => job.key === `check-run-item:${newItem!.id}`)!;
    const shape = ({ task, max_attempts, priority, flags, job_queue_id }: QueuedJob) => ({ task, max_attempts, priority, flags, job_queue_id });
    for (const job of itemJobs) expect(shape(job)).toEqual(shape(newJob));

    // The run being cancelled ends through its job, with the summary and audit event a finished run gets.
    await runCheckRunItemJob(testDb.db, jobOf(firstCancellingItem!.id)!.payload);
    const [cancelledRun] = await testDb.query<{ status: string; done: number; finishedAt: Date | null }>(
      `SELECT "status", "done", "finishedAt" FROM "CheckRun" WHERE "id" = $1`,
      [CANCELLED_RUN_ID],
    );
    expect(cancelledRun).toMatchObject({ status: "cancelled", done: 2, finishedAt: expect.any(Date) });
    expect(await testDb.query(`SELECT 1 FROM "AuditEvent" WHERE "runId" = $1 AND "action" = 'check_run_finish' AND "createdAt" > now() - interval '1 minute'`, [CANCELLED_RUN_ID])).toHaveLength(1);
  });

  it("refuses a second import without --replace and changes nothing", async () => {
    await importFixture();
    const before = await snapshotDatabase();

    const second = importFixture();
    await expect(second).rejects.toThrow(ImportRefusedError);
    await expect(second).rejects.toThrow(/^The PostgreSQL database already holds ChannelKeys data \(12 User, 12 Workspace.*--replace/);
    expect(await snapshotDatabase()).toEqual(before);
  });

  it("with --replace, discards what the database held (rows and their queue jobs) and imports in the same transaction", async () => {
    await importFixture();
    await testDb.query(`UPDATE "User" SET "name" = 'Renamed in PostgreSQL'`);
    await testDb.query(`INSERT INTO "EbayCallPause" ("scope", "pausedUntil", "reason", "updatedAt") VALUES ('all', now(), 'test', now())`);
    await testDb.query(`SELECT graphile_worker.add_job('check-run-item', json_build_object('itemId', 'gone'), job_key => 'check-run-item:gone')`);
    await testDb.query(`SELECT graphile_worker.add_job('upkeep-checks', '{}'::json, job_key => 'upkeep-checks')`);
    const [dropped] = readSqlite<{ id: string }>(`SELECT "id" FROM "AuditEvent" ORDER BY "id" LIMIT 1`);
    editSqlite(`DELETE FROM "AuditEvent" WHERE "id" = ?`, dropped!.id);
    const rowsBefore = (await Promise.all([...COPIED_TABLES, "EbayCallPause", "WebhookEndpoint", "WarningRead"].map(postgresCount))).reduce((total, count) => total + count, 0);

    const report = await importFixture({ replace: true });

    expect(report.committed).toBe(true);
    expect(report.discarded).toEqual({ rows: rowsBefore, jobs: 1 });
    expect(await postgresCount("AuditEvent")).toBe(81);
    expect(await postgresCount("EbayCallPause")).toBe(0);
    expect(await testDb.query(`SELECT 1 FROM "User" WHERE "name" = 'Renamed in PostgreSQL'`)).toEqual([]);
    expect((await queuedJobs()).map((job) => job.key)).toEqual(["upkeep-checks"]);
    expect(formatImportReport(report)).toContain(`Replaced: ${rowsBefore} rows and 1 queued jobs`);
  });

  it("converts what SQLite stored loosely: zone-less and epoch timestamps, offsets, extra precision; unparseable change sets become NULL and are counted", async () => {
    const [bucket] = readSqlite<{ key: string }>(`SELECT "key" FROM "RateLimitBucket" ORDER BY "key" LIMIT 1`);
    editSqlite(`UPDATE "RateLimitBucket" SET "windowStart" = '2026-11-29 05:25:18' WHERE "key" = ?`, bucket!.key);
    const [user, otherUser, thirdUser] = readSqlite<{ id: string }>(`SELECT "id" FROM "User" ORDER BY "id" LIMIT 3`);
    editSqlite(`UPDATE "User" SET "createdAt" = ? WHERE "id" = ?`, Date.UTC(2026, 10, 29, 5, 25, 19, 317), user!.id);
    editSqlite(`UPDATE "User" SET "createdAt" = '2026-11-29T07:25:19.317+02:00' WHERE "id" = ?`, otherUser!.id);
    editSqlite(`UPDATE "User" SET "createdAt" = '2026-11-29T05:25:19.317999Z' WHERE "id" = ?`, thirdUser!.id);
    const [truncated, withNul] = readSqlite<{ id: string }>(`SELECT "id" FROM "AuditEvent" WHERE "changes" IS NOT NULL ORDER BY "id" LIMIT 2`);
    editSqlite(`UPDATE "AuditEvent" SET "changes" = '{"status":["healthy",' WHERE "id" = ?`, truncated!.id);
    editSqlite(`UPDATE "AuditEvent" SET "changes" = '{"detail":["a\\u0000b",null]}' WHERE "id" = ?`, withNul!.id);

    const report = await importFixture();

    expect(report.committed).toBe(true);
    expect(report.timestampsWithoutZone).toBe(1);
    const [copiedBucket] = await testDb.query<{ windowStart: Date }>(`SELECT "windowStart" FROM "RateLimitBucket" WHERE "key" = $1`, [bucket!.key]);
    expect(copiedBucket!.windowStart).toEqual(new Date("2026-11-29T05:25:18.000Z"));
    const users = await testDb.query<{ id: string; createdAt: Date }>(`SELECT "id", "createdAt" FROM "User" WHERE "id" IN ($1, $2, $3)`, [
      user!.id,
      otherUser!.id,
      thirdUser!.id,
    ]);
    for (const copied of users) expect(copied.createdAt, copied.id).toEqual(new Date("2026-11-29T05:25:19.317Z"));
    const changes = await testDb.query<{ changes: unknown }>(`SELECT "changes" FROM "AuditEvent" WHERE "id" IN ($1, $2)`, [truncated!.id, withNul!.id]);
    expect(changes).toEqual([{ changes: null }, { changes: null }]);
    expect(await postgresCount("AuditEvent")).toBe(82);
    expect(report.tables.find((line) => line.table === "AuditEvent")!.notes).toContain("17 JSON texts → jsonb, 2 unparseable → NULL");
  });

  it("rolls back and reports the difference when a count in PostgreSQL does not match SQLite's", async () => {
    // Something in PostgreSQL quietly drops a row (a trigger here): the count check is what notices.
    await testDb.query(`
      CREATE FUNCTION skip_one_bucket() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW."key" = 'sign-in:ip:::1' THEN RETURN NULL; END IF;
        RETURN NEW;
      END $$`);
    await testDb.query(`CREATE TRIGGER skip_one_bucket BEFORE INSERT ON "RateLimitBucket" FOR EACH ROW EXECUTE FUNCTION skip_one_bucket()`);

    const report = await importFixture();

    expect(report.committed).toBe(false);
    expect(report.tables.filter((line) => line.mismatch)).toEqual([
      expect.objectContaining({ table: "RateLimitBucket", sqliteRows: 15, postgresRows: 14 }),
    ]);
    expect(formatImportReport(report)).toMatch(/^RateLimitBucket\s+15\s+14\s+COUNTS DIFFER$/m);
    expect(formatImportReport(report)).toContain("rolled back");
    for (const table of COPIED_TABLES) expect(await postgresCount(table), table).toBe(0);
  });

  it("refuses, before writing anything, rows whose parent is missing and columns it does not know", async () => {
    // The release's connections did not always enforce foreign keys; better-sqlite3's do unless told otherwise.
    const sqlite = new Database(sqlitePath);
    sqlite.pragma("foreign_keys = OFF");
    sqlite
      .prepare(`INSERT INTO "Membership" ("id", "workspaceId", "userId", "role", "createdAt") VALUES ('orphan', 'no-such-workspace', 'no-such-user', 'member', '2026-11-29T05:25:19.317+00:00')`)
      .run();
    sqlite.close();
    await expect(importFixture()).rejects.toThrow(/rows whose parent row is missing \(1 Membership → (Workspace|User), 1 Membership → (Workspace|User)\)/);

    editSqlite(`DELETE FROM "Membership" WHERE "id" = 'orphan'`);
    editSqlite(`ALTER TABLE "User" ADD COLUMN "phone" TEXT`);
    await expect(importFixture()).rejects.toThrow(/column "User"."phone" has no place in PostgreSQL/);

    for (const table of COPIED_TABLES) expect(await postgresCount(table), table).toBe(0);
  });
});

describe("npm run db:import-sqlite", () => {
  it("imports into DATABASE_URL, prints one line per table with both counts and exits 0; never prints a token or key", async () => {
    const keysSpec = (JSON.parse(readFileSync(FIXTURE_KEY_FILE, "utf8")) as { keys: string }).keys;
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/db-import-sqlite.ts", sqlitePath], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      env: { ...process.env, DATABASE_URL: testDb.url, TOKEN_ENCRYPTION_KEYS: keysSpec },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exitCode = await new Promise<number | null>((resolve) => child.on("close", resolve));

    expect(stderr).toBe("");
    expect(exitCode).toBe(0);
    for (const table of COPIED_TABLES) {
      const [row] = readSqlite<{ count: number }>(`SELECT count(*) AS "count" FROM "${table}"`);
      expect(stdout).toMatch(new RegExp(`^${table}\\s+${row!.count}\\s+${row!.count}(\\s|$)`, "m"));
    }
    expect(stdout).toMatch(/^SchedulerLease\s+1\s+-\s+not copied: periodic work is the job queue's cron now$/m);
    expect(stdout).toContain("Every count matches: the import is committed.");
    expect(stdout).toContain(`Token keys: TOKEN_ENCRYPTION_KEYS holds every key the tokens were sealed with (${[...fixtureRing.byId.keys()].join(", ")}).`);
    expect(await postgresCount("AuditEvent")).toBe(82);

    const secrets = readSqlite<{ value: string }>(
      `SELECT "accessToken" AS "value" FROM "EbayAccount" WHERE "accessToken" IS NOT NULL
       UNION ALL SELECT "refreshToken" FROM "EbayAccount" WHERE "refreshToken" IS NOT NULL
       UNION ALL SELECT "webhookSecret" FROM "WorkspaceAlertSettings" WHERE "webhookSecret" IS NOT NULL`,
    ).flatMap(({ value }) => [value, fixtureCipher.decrypt(value, UNBOUND)]);
    const keyMaterial = keysSpec.split(",").map((entry) => entry.slice(entry.indexOf(":") + 1));
    for (const secret of [...secrets, ...keyMaterial]) expect(stdout.includes(secret)).toBe(false);
  }, 60_000);
});
