// Prisma's schema engine (WebAssembly) driven through adapter-pg, on empty databases of the test PostgreSQL server:
// deploy as `prisma migrate deploy` does, create as `prisma migrate dev --create-only` does.
import { createHash, randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { TEST_SERVER_URL_ENV, databaseUrlOn } from "@/test/support/test-postgres";
import { createMigration, deployMigrations } from "./migration-engine";
import { DEFAULT_MIGRATIONS_DIR } from "./migrations-directory";

type MigrationRow = {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
};

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "channelkeys-migrate-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const serverUrl = () => process.env[TEST_SERVER_URL_ENV]!;
const databases: string[] = [];

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** An empty database of its own on the test server. */
async function emptyDatabase(): Promise<string> {
  const name = `channelkeys_migrate_${randomBytes(5).toString("hex")}`;
  await admin(`CREATE DATABASE "${name}"`);
  databases.push(name);
  return databaseUrlOn(serverUrl(), name);
}
afterAll(async () => {
  for (const name of databases.splice(0)) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
});

async function readRows<T>(databaseUrl: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

const committedMigrations = readdirSync(DEFAULT_MIGRATIONS_DIR)
  .filter((name) => existsSync(path.join(DEFAULT_MIGRATIONS_DIR, name, "migration.sql")))
  .sort();

describe("deployMigrations", () => {
  it("creates every table on a fresh database and records each migration as `prisma migrate deploy` does", async () => {
    const file = await emptyDatabase();
    const { applied } = await deployMigrations({ databaseUrl: file });
    expect(applied).toEqual(committedMigrations);
    expect(committedMigrations.some((name) => /^\d{14}_init$/.test(name))).toBe(true);

    const tables = (await readRows<{ name: string }>(file, "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'")).map((row) => row.name);
    for (const table of ["_prisma_migrations", "User", "Workspace", "Membership", "EbayAccount", "TokenCheck", "OAuthState", "AuditEvent", "RateLimitBucket"]) {
      expect(tables).toContain(table);
    }

    const rows = await readRows<MigrationRow>(file, "SELECT * FROM _prisma_migrations ORDER BY migration_name");
    expect(rows.map((row) => row.migration_name)).toEqual(committedMigrations);
    for (const row of rows) {
      const sql = readFileSync(path.join(DEFAULT_MIGRATIONS_DIR, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("is idempotent: a second run applies nothing and leaves the history as it was", async () => {
    const file = await emptyDatabase();
    await deployMigrations({ databaseUrl: file });
    const before = await readRows<MigrationRow>(file, "SELECT * FROM _prisma_migrations ORDER BY migration_name");
    expect(await deployMigrations({ databaseUrl: file })).toEqual({ applied: [] });
    expect(await readRows<MigrationRow>(file, "SELECT * FROM _prisma_migrations ORDER BY migration_name")).toEqual(before);
  });

  it("closes every connection it opened, so the database can be dropped at once", async () => {
    const file = await emptyDatabase();
    await deployMigrations({ databaseUrl: file });
    const name = new URL(file).pathname.slice(1);
    const open = await readRows<{ count: string }>(serverUrl(), `SELECT count(*) FROM pg_stat_activity WHERE datname = '${name}'`);
    expect(Number(open[0]!.count)).toBe(0);
  });

  it("applies multi-statement migrations and reports a failing one with the driver's reason, logged in _prisma_migrations", async () => {
    const root = tempDir();
    const migrationsDir = path.join(root, "migrations");
    writeMigration(migrationsDir, "20240101000000_first", 'CREATE TABLE "A" ("id" TEXT PRIMARY KEY);\nINSERT INTO "A" VALUES (\'one\');\n');
    writeMigration(migrationsDir, "20240102000000_broken", 'CREATE TABLE "B" ("id" TEXT);\nINSERT INTO "missing_table" VALUES (1);\n');
    const file = await emptyDatabase();

    await expect(deployMigrations({ databaseUrl: file, migrationsDir })).rejects.toThrow(/missing_table/);
    const rows = await readRows<MigrationRow>(file, "SELECT * FROM _prisma_migrations ORDER BY migration_name");
    expect(rows.map((row) => [row.migration_name, row.finished_at !== null])).toEqual([
      ["20240101000000_first", true],
      ["20240102000000_broken", false],
    ]);
    expect(rows[1]!.logs).toMatch(/missing_table/);
    expect(await readRows<{ id: string }>(file, 'SELECT id FROM "A"')).toEqual([{ id: "one" }]);

    // A failed migration blocks later deploys until someone resolves it, as with the Prisma CLI.
    await expect(deployMigrations({ databaseUrl: file, migrationsDir })).rejects.toThrow(/failed migrations/);
  });

  it("refuses database URLs of other databases", async () => {
    await expect(deployMigrations({ databaseUrl: "file:./.data/channelkeys.db" })).rejects.toThrow(/Unsupported DATABASE_URL scheme "file:"/);
  });
});

describe("createMigration", () => {
  const baseSchema = `
generator client {
  provider = "prisma-client"
  output   = "./generated"
}

datasource db {
  provider = "postgresql"
}

model Thing {
  id   String @id
  name String
}
`;

  it("writes <timestamp>_<name>/migration.sql and the lockfile, nothing when the schema is unchanged, then the next change", async () => {
    const root = tempDir();
    const schemaPath = path.join(root, "schema.prisma");
    const migrationsDir = path.join(root, "migrations");
    const databaseUrl = await emptyDatabase();
    writeFileSync(schemaPath, baseSchema);

    const first = await createMigration({ databaseUrl, name: "init", schemaPath, migrationsDir });
    expect(first.directory).not.toBeNull();
    expect(path.basename(first.directory!)).toMatch(/^\d{14}_init$/);
    const initSql = readFileSync(path.join(first.directory!, "migration.sql"), "utf8");
    expect(initSql).toContain('CREATE TABLE "Thing"');
    expect(readFileSync(path.join(migrationsDir, "migration_lock.toml"), "utf8")).toBe(
      "# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = \"postgresql\"\n",
    );

    // --create-only: written, not applied.
    expect(await readRows<{ name: string }>(databaseUrl, "SELECT table_name AS name FROM information_schema.tables WHERE table_name = 'Thing'")).toEqual([]);

    expect(await createMigration({ databaseUrl, name: "nothing", schemaPath, migrationsDir })).toEqual({ directory: null });

    writeFileSync(schemaPath, baseSchema.replace("name String", "name String\n  note String?"));
    const second = await createMigration({ databaseUrl, name: "add_note", schemaPath, migrationsDir });
    expect(path.basename(second.directory!)).toMatch(/^\d{14}_add_note$/);
    expect(readFileSync(path.join(second.directory!, "migration.sql"), "utf8")).toMatch(/ALTER TABLE "Thing" ADD COLUMN +"note" TEXT/);

    // Creating the second migration applied the first; deploying now applies only the second.
    expect(await deployMigrations({ databaseUrl, migrationsDir })).toEqual({ applied: [path.basename(second.directory!)] });
  });

  it("finds the committed migrations in step with prisma/schema.prisma", async () => {
    const root = tempDir();
    const migrationsDir = path.join(root, "migrations");
    mkdirSync(migrationsDir);
    for (const name of readdirSync(DEFAULT_MIGRATIONS_DIR)) {
      const source = path.join(DEFAULT_MIGRATIONS_DIR, name);
      if (name.endsWith(".toml")) copyFileSync(source, path.join(migrationsDir, name));
      else writeMigration(migrationsDir, name, readFileSync(path.join(source, "migration.sql"), "utf8"));
    }
    const result = await createMigration({ databaseUrl: await emptyDatabase(), name: "drift", migrationsDir });
    expect(result).toEqual({ directory: null });
  });

  it("rejects names that would make odd directory names", async () => {
    await expect(createMigration({ databaseUrl: "postgres://localhost/unused", name: "../escape" })).rejects.toThrow(/letters, digits and underscores/);
  });
});

function writeMigration(migrationsDir: string, name: string, sql: string): void {
  mkdirSync(path.join(migrationsDir, name), { recursive: true });
  writeFileSync(path.join(migrationsDir, name, "migration.sql"), sql);
}
