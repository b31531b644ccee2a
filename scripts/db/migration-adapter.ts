import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
} from "@prisma/driver-adapter-utils";

/** A driver adapter factory for the schema engine that can close everything the engine opened. */
export type MigrationAdapterFactory = SqlMigrationAwareDriverAdapterFactory & {
  /** The engine's free() leaves its connections open (SQLite: an EXCLUSIVE lock), so close them here. */
  disposeAll(): Promise<void>;
};

export function createMigrationAdapterFactory(databaseUrl: string): MigrationAdapterFactory {
  if (databaseUrl.startsWith("file:")) return trackedFactory(sqliteFactory(databaseUrl));
  const scheme = databaseUrl.split(":")[0] ?? "";
  throw new Error(`Unsupported DATABASE_URL scheme "${scheme}:": only file: (SQLite) URLs are supported for now`);
}

/** file:./x.db and file:/abs/x.db, relative paths against the working directory. */
export function sqliteFilePathFromUrl(databaseUrl: string): string {
  const withoutScheme = databaseUrl.slice("file:".length).split("?")[0] ?? "";
  if (withoutScheme === "") throw new Error("DATABASE_URL file: URL has no path");
  return path.resolve(process.cwd(), withoutScheme);
}

function sqliteFactory(databaseUrl: string): SqlMigrationAwareDriverAdapterFactory {
  const file = sqliteFilePathFromUrl(databaseUrl);
  mkdirSync(path.dirname(file), { recursive: true });
  // The shadow database (used to create migrations) defaults to an in-memory SQLite database.
  return new PrismaBetterSqlite3({ url: file, timeout: 5000 });
}

function trackedFactory(inner: SqlMigrationAwareDriverAdapterFactory): MigrationAdapterFactory {
  const opened = new Set<SqlDriverAdapter>();
  const track = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    const routed = withScriptRouting(adapter, () => opened.delete(routed));
    opened.add(routed);
    return routed;
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

/**
 * When replaying migrations (shadow database) the engine sends a whole migration.sql through
 * executeRaw without arguments; better-sqlite3 prepares one statement per call and refuses the rest,
 * so argument-less statements go through executeScript, which runs any number of statements.
 */
function withScriptRouting(adapter: SqlDriverAdapter, onDispose: () => void): SqlDriverAdapter {
  const routed: SqlDriverAdapter = {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query: SqlQuery) => adapter.queryRaw(query),
    executeRaw: async (query: SqlQuery) => {
      if (query.args.length > 0) return adapter.executeRaw(query);
      await adapter.executeScript(query.sql);
      return 0;
    },
    executeScript: (script: string) => adapter.executeScript(script),
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    dispose: async () => {
      onDispose();
      await adapter.dispose();
    },
  };
  if (adapter.getConnectionInfo) routed.getConnectionInfo = () => adapter.getConnectionInfo!();
  return routed;
}
