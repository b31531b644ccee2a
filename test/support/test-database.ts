import { createHash, randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDbClient, type Db } from "@/lib/db";
import { generateTokenKey, formatTokenKeys } from "@/lib/crypto/token-keys";
import { deployMigrations } from "@/scripts/db/migration-engine";
import { DEFAULT_MIGRATIONS_DIR, LOCKFILE_NAME, MIGRATION_FILE_NAME } from "@/scripts/db/migrations-directory";

export type TestDatabase = {
  /** file: URL of the database, for code that takes a DATABASE_URL (child processes, scripts). */
  url: string;
  /** Path of the SQLite file, for reading raw columns with better-sqlite3. */
  file: string;
  db: Db;
  cleanup(): Promise<void>;
};

/**
 * A fresh SQLite file with every migration applied, and a client on it.
 *
 * Migrating costs a wasm compile plus the DDL, so it happens once per migrations folder content:
 * the migrated template is kept in the temp directory under a hash of the migrations and each test
 * database is a copy of it.
 *
 * If TOKEN_ENCRYPTION_KEYS is unset, a random key is put there for this process, so tests never
 * create or read the developer's .data/token-keys.json.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!process.env.TOKEN_ENCRYPTION_KEYS) {
    process.env.TOKEN_ENCRYPTION_KEYS = formatTokenKeys([generateTokenKey("test")]);
  }
  const template = await migratedTemplate();
  const directory = mkdtempSync(path.join(os.tmpdir(), "channelkeys-test-db-"));
  const file = path.join(directory, "test.db");
  copyFileSync(template, file);
  const url = `file:${file}`;
  const db = createDbClient(url);
  return {
    url,
    file,
    db,
    async cleanup() {
      await db.$disconnect();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

let templateInProcess: Promise<string> | undefined;

function migratedTemplate(): Promise<string> {
  templateInProcess ??= buildTemplate().catch((error: unknown) => {
    templateInProcess = undefined;
    throw error;
  });
  return templateInProcess;
}

async function buildTemplate(): Promise<string> {
  const template = path.join(os.tmpdir(), `channelkeys-test-template-${migrationsHash()}.db`);
  if (existsSync(template)) return template;
  // Built under a private name and renamed into place, so parallel test processes never copy a half-migrated file.
  const building = `${template}.${process.pid}.${randomBytes(4).toString("hex")}.building`;
  try {
    await deployMigrations({ databaseUrl: `file:${building}`, migrationsDir: DEFAULT_MIGRATIONS_DIR });
    renameSync(building, template);
  } finally {
    rmSync(building, { force: true });
  }
  return template;
}

function migrationsHash(): string {
  const hash = createHash("sha256");
  const dir = DEFAULT_MIGRATIONS_DIR;
  hash.update(existsSync(path.join(dir, LOCKFILE_NAME)) ? readFileSync(path.join(dir, LOCKFILE_NAME)) : "");
  for (const name of readdirSync(dir).sort()) {
    const sqlFile = path.join(dir, name, MIGRATION_FILE_NAME);
    if (!statSync(path.join(dir, name)).isDirectory() || !existsSync(sqlFile)) continue;
    hash.update(`\0${name}\0`).update(readFileSync(sqlFile));
  }
  return hash.digest("hex").slice(0, 16);
}
