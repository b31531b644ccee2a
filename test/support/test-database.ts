import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDbClient, type Db } from "@/lib/db";
import { generateTokenKey, formatTokenKeys } from "@/lib/crypto/token-keys";
import { TEMPLATE_DATABASE_ENV, TEST_SERVER_URL_ENV, databaseUrlOn } from "@/test/support/test-postgres";

export type TestDatabase = {
  /** postgres:// URL of this test's own database, for code that takes a DATABASE_URL (child processes, scripts). */
  url: string;
  db: Db;
  /** Raw SQL on the database, past the Prisma client and its encryption extension (to read stored ciphertext). */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  cleanup(): Promise<void>;
};

/**
 * A database of its own for one test file, copied from the migrated template that test/support/postgres-global-setup.ts
 * made once for the whole run (CREATE DATABASE … TEMPLATE), so files run in parallel without sharing rows.
 *
 * If TOKEN_ENCRYPTION_KEYS is unset, a random key is put there for this process, so tests never
 * create or read the developer's .data/token-keys.json.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!process.env.TOKEN_ENCRYPTION_KEYS) {
    process.env.TOKEN_ENCRYPTION_KEYS = formatTokenKeys([generateTokenKey("test")]);
  }
  const serverUrl = process.env[TEST_SERVER_URL_ENV];
  const template = process.env[TEMPLATE_DATABASE_ENV];
  if (!serverUrl || !template) {
    throw new Error("No test PostgreSQL: run tests through vitest (its global setup starts one) or set TEST_DATABASE_URL.");
  }
  const name = `channelkeys_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  const url = databaseUrlOn(serverUrl, name);
  const db = createDbClient(url);
  const raw = new pg.Pool({ connectionString: url, max: 2 });
  return {
    url,
    db,
    async query<Row extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      const result = await raw.query<Row>(sql, params);
      return result.rows;
    },
    async cleanup() {
      await db.$disconnect();
      await raw.end();
      // Pools close their connections in the background: wait for them, so the drop never kills a connection a
      // client is still closing (its error would surface as an uncaught exception in the test process).
      await waitForNoConnections(serverUrl, name);
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function waitForNoConnections(serverUrl: string, database: string, timeoutMs = 3_000): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ open: string }>("SELECT count(*) AS open FROM pg_stat_activity WHERE datname = $1", [database]);
      if (Number(rows[0]?.open ?? 0) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    await client.end();
  }
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
