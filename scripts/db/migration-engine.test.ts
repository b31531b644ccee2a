import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createMigration, deployMigrations } from "./migration-engine";
import { DEFAULT_MIGRATIONS_DIR } from "./migrations-directory";

type MigrationRow = {
  id: string;
  checksum: string;
  finished_at: string | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: string | null;
  started_at: string;
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

function readRows<T>(file: string, sql: string): T[] {
  const sqlite = new Database(file, { readonly: true });
  try {
    return sqlite.prepare(sql).all() as T[];
  } finally {
    sqlite.close();
  }
}

const committedMigrations = readdirSync(DEFAULT_MIGRATIONS_DIR)
  .filter((name) => existsSync(path.join(DEFAULT_MIGRATIONS_DIR, name, "migration.sql")))
  .sort();

describe("deployMigrations", () => {
  it("creates every table on a fresh file and records each migration as `prisma migrate deploy` does", async () => {
    const file = path.join(tempDir(), "sub", "fresh.db");
    const { applied } = await deployMigrations({ databaseUrl: `file:${file}` });
    expect(applied).toEqual(committedMigrations);
    expect(committedMigrations.some((name) => /^\d{14}_init$/.test(name))).toBe(true);

    const tables = readRows<{ name: string }>(file, "SELECT name FROM sqlite_master WHERE type = 'table'").map((row) => row.name);
    for (const table of ["_prisma_migrations", "User", "Workspace", "Membership", "EbayAccount", "TokenCheck", "OAuthState", "AuditEvent", "RateLimitBucket"]) {
      expect(tables).toContain(table);
    }

    const rows = readRows<MigrationRow>(file, "SELECT * FROM _prisma_migrations ORDER BY migration_name");
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
    const file = path.join(tempDir(), "again.db");
    await deployMigrations({ databaseUrl: `file:${file}` });
    const before = readRows<MigrationRow>(file, "SELECT * FROM _prisma_migrations");
    expect(await deployMigrations({ databaseUrl: `file:${file}` })).toEqual({ applied: [] });
    expect(readRows<MigrationRow>(file, "SELECT * FROM _prisma_migrations")).toEqual(before);
  });

  it("releases the database when done, so a client in the same process can write at once", async () => {
    const file = path.join(tempDir(), "unlocked.db");
    await deployMigrations({ databaseUrl: `file:${file}` });
    const sqlite = new Database(file, { timeout: 0 });
    try {
      expect(() => sqlite.exec("BEGIN EXCLUSIVE; COMMIT;")).not.toThrow();
    } finally {
      sqlite.close();
    }
  });

  it("applies multi-statement migrations and reports a failing one with the driver's reason, logged in _prisma_migrations", async () => {
    const root = tempDir();
    const migrationsDir = path.join(root, "migrations");
    writeMigration(migrationsDir, "20240101000000_first", 'CREATE TABLE "A" ("id" TEXT PRIMARY KEY);\nINSERT INTO "A" VALUES (\'one\');\n');
    writeMigration(migrationsDir, "20240102000000_broken", 'CREATE TABLE "B" ("id" TEXT);\nINSERT INTO "missing_table" VALUES (1);\n');
    const file = path.join(root, "broken.db");

    await expect(deployMigrations({ databaseUrl: `file:${file}`, migrationsDir })).rejects.toThrow(/missing_table/);
    const rows = readRows<MigrationRow>(file, "SELECT * FROM _prisma_migrations ORDER BY migration_name");
    expect(rows.map((row) => [row.migration_name, row.finished_at !== null])).toEqual([
      ["20240101000000_first", true],
      ["20240102000000_broken", false],
    ]);
    expect(rows[1]!.logs).toMatch(/missing_table/);
    expect(readRows<{ id: string }>(file, 'SELECT id FROM "A"')).toEqual([{ id: "one" }]);

    // A failed migration blocks later deploys until someone resolves it, as with the Prisma CLI.
    await expect(deployMigrations({ databaseUrl: `file:${file}`, migrationsDir })).rejects.toThrow(/failed migrations/);
  });

  it("refuses database URLs it cannot serve yet", async () => {
    await expect(deployMigrations({ databaseUrl: "postgres://localhost/channelkeys" })).rejects.toThrow(/Unsupported DATABASE_URL scheme "postgres:"/);
  });
});

describe("createMigration", () => {
  const baseSchema = `
generator client {
  provider = "prisma-client"
  output   = "./generated"
}

datasource db {
  provider = "sqlite"
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
    const databaseUrl = `file:${path.join(root, "dev.db")}`;
    writeFileSync(schemaPath, baseSchema);

    const first = await createMigration({ databaseUrl, name: "init", schemaPath, migrationsDir });
    expect(first.directory).not.toBeNull();
    expect(path.basename(first.directory!)).toMatch(/^\d{14}_init$/);
    const initSql = readFileSync(path.join(first.directory!, "migration.sql"), "utf8");
    expect(initSql).toContain('CREATE TABLE "Thing"');
    expect(readFileSync(path.join(migrationsDir, "migration_lock.toml"), "utf8")).toBe(
      "# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = \"sqlite\"\n",
    );

    // --create-only: written, not applied.
    expect(readRows<{ name: string }>(path.join(root, "dev.db"), "SELECT name FROM sqlite_master WHERE name = 'Thing'")).toEqual([]);

    expect(await createMigration({ databaseUrl, name: "nothing", schemaPath, migrationsDir })).toEqual({ directory: null });

    writeFileSync(schemaPath, baseSchema.replace("name String", "name String\n  note String?"));
    const second = await createMigration({ databaseUrl, name: "add_note", schemaPath, migrationsDir });
    expect(path.basename(second.directory!)).toMatch(/^\d{14}_add_note$/);
    expect(readFileSync(path.join(second.directory!, "migration.sql"), "utf8")).toMatch(/ALTER TABLE "Thing" ADD COLUMN "note" TEXT/);

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
    const result = await createMigration({ databaseUrl: `file:${path.join(root, "drift.db")}`, name: "drift", migrationsDir });
    expect(result).toEqual({ directory: null });
  });

  it("rejects names that would make odd directory names", async () => {
    await expect(createMigration({ databaseUrl: "file::memory:", name: "../escape" })).rejects.toThrow(/letters, digits and underscores/);
  });
});

function writeMigration(migrationsDir: string, name: string, sql: string): void {
  mkdirSync(path.join(migrationsDir, name), { recursive: true });
  writeFileSync(path.join(migrationsDir, name, "migration.sql"), sql);
}
