import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { defaultTokenCipher, type TokenCipher } from "@/lib/crypto/token-cipher";
import { PrismaClient } from "@/lib/generated/prisma/client";

// No `import "server-only"`: scripts run this file through tsx too. Pages must still never
// import it from client components.

export const DEFAULT_DATABASE_URL = "file:./.data/channelkeys.db";

/** DATABASE_URL, or the embedded SQLite default. Relative file: paths resolve against the working directory. */
export function databaseUrlFromEnv(env: Record<string, string | undefined> = process.env): string {
  const url = env.DATABASE_URL?.trim();
  return url ? url : DEFAULT_DATABASE_URL;
}

export type CreateDbClientOptions = {
  /** Cipher for the token columns; defaults to the process-wide one (TOKEN_ENCRYPTION_KEYS / key file), resolved at each query. */
  tokenCipher?: TokenCipher;
};

export function createDbClient(databaseUrl: string, options: CreateDbClientOptions = {}) {
  const base = new PrismaClient({
    adapter: adapterFactoryFor(databaseUrl),
    // Tokens stay out of every result unless a query asks: omit: { accessToken: false, refreshToken: false }.
    omit: { ebayAccount: { accessToken: true, refreshToken: true } },
  });
  const cipher = () => options.tokenCipher ?? defaultTokenCipher();
  return base.$extends({
    name: "ebay-token-encryption",
    query: {
      // Every model, not only ebayAccount: nested writes (workspace.create({ data: { accounts: … } }))
      // and nested reads (include: { accounts: … }) carry token fields too.
      $allModels: {
        async $allOperations({ args, query }) {
          const result = await query(sealTokenFieldsInArgs(args, cipher));
          return openTokenFields(result, cipher);
        },
      },
    },
  });
}

export type Db = ReturnType<typeof createDbClient>;
export type DbTransaction = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const TOKEN_FIELDS = new Set(["accessToken", "refreshToken"]);
// Args that hold data to write; anything else (where, select, orderBy…) is left as given.
const WRITE_KEYS = new Set(["data", "create", "update"]);

function sealTokenFieldsInArgs<T>(args: T, cipher: () => TokenCipher): T {
  if (!isPlainObject(args)) return args;
  const sealed: Record<string, unknown> = { ...args };
  for (const key of Object.keys(sealed)) {
    if (WRITE_KEYS.has(key)) sealed[key] = sealWriteData(sealed[key], cipher);
  }
  return sealed as T;
}

function sealWriteData(value: unknown, cipher: () => TokenCipher): unknown {
  if (Array.isArray(value)) return value.map((item) => sealWriteData(item, cipher));
  if (!isPlainObject(value)) return value;
  const sealed: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (key === "where") sealed[key] = field;
    else if (TOKEN_FIELDS.has(key)) sealed[key] = sealTokenValue(field, cipher);
    else sealed[key] = sealWriteData(field, cipher);
  }
  return sealed;
}

function sealTokenValue(value: unknown, cipher: () => TokenCipher): unknown {
  if (typeof value === "string") return cipher().encrypt(value);
  // Prisma's { set: value } form of a scalar update.
  if (isPlainObject(value) && typeof value.set === "string") return { ...value, set: cipher().encrypt(value.set) };
  return value;
}

function openTokenFields<T>(value: T, cipher: () => TokenCipher): T {
  if (Array.isArray(value)) return value.map((item) => openTokenFields(item, cipher)) as T;
  if (!isPlainObject(value)) return value;
  const opened: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    opened[key] = TOKEN_FIELDS.has(key) && typeof field === "string" ? cipher().decrypt(field) : openTokenFields(field, cipher);
  }
  return opened as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The only place that knows which database a URL means; a postgres:// branch (adapter-pg) goes here. */
function adapterFactoryFor(databaseUrl: string): SqlDriverAdapterFactory {
  if (databaseUrl.startsWith("file:")) return sqliteAdapterFactory(databaseUrl);
  const scheme = databaseUrl.split(":")[0] ?? "";
  throw new Error(`Unsupported DATABASE_URL scheme "${scheme}:": only file: (SQLite) URLs are supported for now`);
}

// WAL lets readers run while a writer commits (and is ~4x faster for our write pattern); synchronous=NORMAL
// is safe under WAL; foreign_keys makes SQLite honour the schema's onDelete: Cascade.
const SQLITE_CONNECTION_PRAGMAS = [
  "PRAGMA journal_mode = WAL",
  "PRAGMA busy_timeout = 5000",
  "PRAGMA foreign_keys = ON",
  "PRAGMA synchronous = NORMAL",
].join(";\n");

function sqliteAdapterFactory(databaseUrl: string): SqlDriverAdapterFactory {
  const file = path.resolve(process.cwd(), databaseUrl.slice("file:".length).split("?")[0] ?? "");
  mkdirSync(path.dirname(file), { recursive: true });
  // The adapter opens the connection itself and has no hook for pragmas, so they run right after connect.
  const inner = new PrismaBetterSqlite3({ url: file, timeout: 5000 });
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect() {
      const adapter = await inner.connect();
      await adapter.executeScript(SQLITE_CONNECTION_PRAGMAS);
      return adapter;
    },
  };
}

// One client per process; in development Next re-evaluates modules on every edit, so the
// client is kept on globalThis to avoid opening a new connection each time.
const globalForDb = globalThis as typeof globalThis & { __channelkeysDb?: Db };
let processDb: Db | undefined;

export function getDb(): Db {
  if (processDb) return processDb;
  processDb = globalForDb.__channelkeysDb ?? createDbClient(databaseUrlFromEnv());
  if (process.env.NODE_ENV !== "production") globalForDb.__channelkeysDb = processDb;
  return processDb;
}

/** The shared client, created on first use from DATABASE_URL. */
export const db: Db = new Proxy({} as Db, {
  get(_target, property) {
    const client = getDb();
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
  has(_target, property) {
    return Reflect.has(getDb(), property);
  },
});
