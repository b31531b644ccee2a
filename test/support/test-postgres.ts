// The PostgreSQL server every integration test and end-to-end run uses: TEST_DATABASE_URL when it is set (a server of
// your own; its user needs CREATEDB), otherwise an embedded one started once per run in a temporary folder. On it,
// one migrated template database per migrations content; each test file copies it (test/support/test-database.ts).
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startOrAttachEmbedded } from "@/scripts/db/embedded-postgres";
import { migrateDatabase } from "@/scripts/db/migrate-database";
import { DEFAULT_MIGRATIONS_DIR, LOCKFILE_NAME, MIGRATION_FILE_NAME } from "@/scripts/db/migrations-directory";

/** Set by the global setup for the test processes: a URL on the test server (its "postgres" database). */
export const TEST_SERVER_URL_ENV = "CHANNELKEYS_TEST_SERVER_URL";
/** Set by the global setup: the migrated template each test database copies. */
export const TEMPLATE_DATABASE_ENV = "CHANNELKEYS_TEST_TEMPLATE_DATABASE";

export type TestServer = { serverUrl: string; stop(): Promise<void> };

export async function startTestServer(): Promise<TestServer> {
  const external = process.env.TEST_DATABASE_URL?.trim();
  if (external) return { serverUrl: databaseUrlOn(external, "postgres"), stop: async () => {} };
  const server = await startOrAttachEmbedded({
    dataDir: mkdtempSync(path.join(os.tmpdir(), "channelkeys-test-pg-")),
    port: await freePort(),
    database: "postgres",
    temporary: true,
  });
  return { serverUrl: server.url, stop: () => server.stop() };
}

/** The same server and credentials, another database. */
export function databaseUrlOn(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * The migrated template for the current migrations, made when missing. Built under a private name and renamed into
 * place, so two runs on one server never copy a half-migrated database.
 */
export async function ensureTemplateDatabase(serverUrl: string): Promise<string> {
  const template = `channelkeys_template_${migrationsHash()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
    if (exists.rowCount === 1) return template;
    const building = `${template}_building_${randomBytes(4).toString("hex")}`;
    await admin.query(`CREATE DATABASE "${building}"`);
    try {
      await migrateDatabase(databaseUrlOn(serverUrl, building));
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    } catch (error) {
      await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      // Another run finished the same template first.
      const madeMeanwhile = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
      if (madeMeanwhile.rowCount === 1) return template;
      throw error;
    }
    return template;
  } finally {
    await admin.end();
  }
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
  // The job queue's schema is part of what a database needs (scripts/db/migrate-database.ts).
  hash.update(`\0graphile-worker\0${graphileWorkerVersion()}`);
  return hash.digest("hex").slice(0, 16);
}

function graphileWorkerVersion(): string {
  const manifest = createRequire(import.meta.url).resolve("graphile-worker/package.json");
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
