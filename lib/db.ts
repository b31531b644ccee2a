import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { defaultTokenCipher, type TokenCipher } from "@/lib/crypto/token-cipher";
import { openQueryResult, relationMapOf, sealQueryArgs, type RelationMap } from "@/lib/crypto/column-encryption";
import { PrismaClient } from "@/lib/generated/prisma/client";

// No `import "server-only"`: scripts run this file through tsx too. Pages must still never
// import it from client components.

/**
 * DATABASE_URL (postgres://…). The web server, the worker and every script get it from scripts/db/embedded-postgres.ts,
 * which starts the embedded PostgreSQL when the variable is unset; a process started any other way must set it.
 */
export function databaseUrlFromEnv(env: Record<string, string | undefined> = process.env): string {
  const url = env.DATABASE_URL?.trim();
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set. Start ChannelKeys with `npm start`, `npm run dev` or `npm run worker` (they start the embedded PostgreSQL), or set DATABASE_URL=postgres://…",
    );
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(`DATABASE_URL must be a postgres:// URL; ChannelKeys runs on PostgreSQL only (got "${url.split(":")[0]}:").`);
  }
  return url;
}

/** Connections one process keeps to PostgreSQL for queries (DATABASE_POOL_SIZE, default 10). */
export function databasePoolSize(env: Record<string, string | undefined> = process.env): number {
  const parsed = Number(env.DATABASE_POOL_SIZE);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : 10;
}

export type CreateDbClientOptions = {
  /** Cipher for the token columns; defaults to the process-wide one (TOKEN_ENCRYPTION_KEYS / key file), resolved at each query. */
  tokenCipher?: TokenCipher;
  /** Pool size (default DATABASE_POOL_SIZE). */
  poolSize?: number;
};

export function createDbClient(databaseUrl: string, options: CreateDbClientOptions = {}) {
  const base = new PrismaClient({
    adapter: new PrismaPg(
      { connectionString: databaseUrl, max: options.poolSize ?? databasePoolSize(), application_name: "channelkeys" },
      // A lost connection must not crash the process: the next query opens a new one (and fails clearly if it cannot).
      { onPoolError: () => {}, onConnectionError: () => {}, statementNameGenerator: preparedStatementName },
    ),
    // Tokens and secrets stay out of every result unless a query asks: omit: { accessToken: false, … }.
    omit: {
      ebayAccount: { accessToken: true, refreshToken: true, authNAuthToken: true },
      oAuthState: { authNAuthSessionId: true },
      webhookEndpoint: { signingSecret: true },
    },
  });
  const cipher = () => options.tokenCipher ?? defaultTokenCipher();
  const context = { cipher, relations: relationsOf(base) };
  const client = base.$extends({
    name: "encrypted-columns",
    query: {
      // Every model, not only the ones with secrets: nested writes (workspace.create({ data: { accounts: … } }))
      // and nested reads (include: { accounts: … }) carry encrypted columns too. The columns are listed in
      // lib/crypto/encrypted-columns.ts; lib/crypto/column-encryption.ts does the sealing and opening.
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          const result = await query(sealQueryArgs(model, operation, args, context) as typeof args);
          return openQueryResult(model, operation, args, result, context);
        },
      },
    },
  });
  databaseUrls.set(client, databaseUrl);
  return client;
}

// Which database a client talks to: advisory locks (lib/advisory-lock.ts) need connections of their own to it.
const databaseUrls = new WeakMap<object, string>();

export function databaseUrlOf(client: Db): string {
  const url = databaseUrls.get(client as object) ?? (client === db ? databaseUrls.get(getDb() as object) : undefined);
  if (!url) throw new Error("databaseUrlOf: not a client made by createDbClient");
  return url;
}

/**
 * Prepared statements, parsed once per connection: a bulk check sends the same dozen statements for every account,
 * and parsing and planning them anew each time was most of PostgreSQL's CPU per account. Only statements with few
 * parameters get a name (the per-account ones do), so a connection keeps a bounded set: a createMany of N rows or an
 * `in` list of N ids is a different statement for every N and stays unnamed.
 */
const MAX_PREPARED_STATEMENT_ARGS = 24;

function preparedStatementName(query: { sql: string; args: unknown[] }): string {
  if (query.args.length > MAX_PREPARED_STATEMENT_ARGS) return "";
  return `ck_${createHash("sha1").update(query.sql).digest("base64url")}`;
}

export type Db = ReturnType<typeof createDbClient>;
export type DbTransaction = Parameters<Parameters<Db["$transaction"]>[0]>[0];

function relationsOf(client: object): RelationMap {
  // Prisma keeps the schema's models and relations on the client; the extension walks nested writes and reads with it.
  const runtimeDataModel = (client as unknown as { _runtimeDataModel?: Parameters<typeof relationMapOf>[0] })._runtimeDataModel;
  if (!runtimeDataModel) throw new Error("Prisma client without its runtime data model: cannot encrypt nested writes");
  return relationMapOf(runtimeDataModel);
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
