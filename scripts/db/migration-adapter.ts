import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { ColumnTypeEnum, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory, type SqlResultSet } from "@prisma/driver-adapter-utils";
import { parse as parseConnectionString } from "pg-connection-string";
import pg from "pg";

/** A driver adapter factory for the schema engine that can close everything the engine opened. */
export type MigrationAdapterFactory = SqlMigrationAwareDriverAdapterFactory & {
  /** The engine's free() leaves its connections open, so close them here. */
  disposeAll(): Promise<void>;
};

export function createMigrationAdapterFactory(databaseUrl: string): MigrationAdapterFactory {
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const scheme = databaseUrl.split(":")[0] ?? "";
    throw new Error(`Unsupported DATABASE_URL scheme "${scheme}:": ChannelKeys runs on PostgreSQL (postgres://…)`);
  }
  return trackedFactory(postgresFactory(databaseUrl));
}

/**
 * adapter-pg 7.10's own shadow database has two faults: with a connectionString its "shadow" is the main database
 * (the URL overrides the `database` it sets), and its release drops the shadow database before closing the pool
 * that still holds a connection to it (DROP fails). So the URL is parsed into fields, and the shadow database is
 * made and dropped here. One connection each: migrations are sequential.
 */
function postgresFactory(databaseUrl: string): SqlMigrationAwareDriverAdapterFactory {
  const parsed = parseConnectionString(databaseUrl);
  const config: pg.PoolConfig = {
    host: parsed.host ?? undefined,
    port: parsed.port ? Number(parsed.port) : undefined,
    user: parsed.user,
    password: parsed.password,
    database: parsed.database ?? undefined,
    ssl: parsed.ssl === true || typeof parsed.ssl === "object" ? (parsed.ssl as pg.PoolConfig["ssl"]) : undefined,
    max: 1,
    Client: CatalogReadingClient,
  };
  const main = new PrismaPg(config);
  const admin = async (sql: string) => {
    const client = new pg.Client(config);
    // A lost connection rejects the query under way; unheard, the same error event would end the process.
    client.on("error", () => {});
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    provider: main.provider,
    adapterName: main.adapterName,
    connect: () => main.connect(),
    async connectToShadowDb() {
      const name = `prisma_migrate_shadow_db_${randomUUID().replaceAll("-", "")}`;
      await admin(`CREATE DATABASE "${name}"`);
      const shadow = await new PrismaPg({ ...config, database: name }).connect();
      return withDispose(shadow, async () => {
        await shadow.dispose();
        await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      });
    },
  };
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * The schema engine reads PostgreSQL's catalogs, which have columns of the one-byte "char" type (contype,
 * relkind…) that it decodes as Character; adapter-pg 7.10 knows no such column type and fails every describe
 * ("Column type 'char' could not be deserialized"), so `db:migration:create` could not diff. This client reports
 * those columns as text to adapter-pg and remembers their names, and charColumnsAsCharacter() marks them as
 * Character again in the adapter's result. Migrations run on one connection, one query at a time, so "the last
 * result's char columns" is well defined. Used for migrations only.
 */
let lastCharColumnNames: ReadonlySet<string> = new Set();

class CatalogReadingClient extends pg.Client {
  // pg's query has many overloads (promise or callback, config object or text); every one ends in a result.
  override query(...args: unknown[]): never {
    const last = args.at(-1);
    if (typeof last === "function") {
      const callback = last as (error: unknown, result: unknown) => void;
      args[args.length - 1] = (error: unknown, result: unknown) => callback(error, error ? result : charColumnsAsText(result));
      return (super.query as (...rest: unknown[]) => never)(...args);
    }
    const pending = (super.query as (...rest: unknown[]) => unknown)(...args);
    if (pending && typeof (pending as Promise<unknown>).then === "function") {
      return (pending as Promise<unknown>).then(charColumnsAsText) as never;
    }
    return pending as never;
  }
}

function charColumnsAsText(result: unknown): unknown {
  const names = new Set<string>();
  for (const single of Array.isArray(result) ? result : [result]) {
    const fields = (single as { fields?: Array<{ name: string; dataTypeID: number }> } | null)?.fields;
    for (const field of fields ?? []) {
      if (field.dataTypeID !== PG_CHAR_OID) continue;
      field.dataTypeID = PG_TEXT_OID;
      names.add(field.name);
    }
  }
  lastCharColumnNames = names;
  return result;
}

function charColumnsAsCharacter(resultSet: SqlResultSet): SqlResultSet {
  const charColumns = lastCharColumnNames;
  lastCharColumnNames = new Set();
  if (charColumns.size === 0) return resultSet;
  return {
    ...resultSet,
    columnTypes: resultSet.columnTypes.map((type, index) =>
      charColumns.has(resultSet.columnNames[index] ?? "") ? ColumnTypeEnum.Character : type,
    ),
  };
}

function withDispose(adapter: SqlDriverAdapter, dispose: () => Promise<void>): SqlDriverAdapter {
  const wrapped: SqlDriverAdapter = {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: async (query) => charColumnsAsCharacter(await adapter.queryRaw(query)),
    executeRaw: (query) => adapter.executeRaw(query),
    executeScript: (script) => adapter.executeScript(script),
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    dispose,
  };
  if (adapter.getConnectionInfo) wrapped.getConnectionInfo = () => adapter.getConnectionInfo!();
  return wrapped;
}

function trackedFactory(inner: SqlMigrationAwareDriverAdapterFactory): MigrationAdapterFactory {
  const opened = new Set<SqlDriverAdapter>();
  const track = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    const tracked = withDispose(adapter, async () => {
      opened.delete(tracked);
      await adapter.dispose();
    });
    opened.add(tracked);
    return tracked;
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => track(await inner.connect()),
    connectToShadowDb: async () => track(await inner.connectToShadowDb()),
    async disposeAll() {
      const adapters = [...opened];
      opened.clear();
      await Promise.allSettled(adapters.map((adapter) => adapter.dispose()));
    },
  };
}
