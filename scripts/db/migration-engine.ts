import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaFilter } from "@prisma/schema-engine-wasm";
import { createMigrationAdapterFactory } from "./migration-adapter";
import {
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_SCHEMA_PATH,
  LOCKFILE_NAME,
  MIGRATION_FILE_NAME,
  lockfileContent,
  readMigrationsList,
} from "./migrations-directory";
import { loadSchemaEngine, takeSchemaEnginePanicMessage, type SchemaEngine } from "./schema-engine-wasm";

const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

export type DeployMigrationsOptions = { databaseUrl: string; migrationsDir?: string };
export type CreateMigrationOptions = {
  databaseUrl: string;
  name: string;
  schemaPath?: string;
  migrationsDir?: string;
};

/** What `prisma migrate deploy` does: apply every pending migration and record it in `_prisma_migrations`. */
export async function deployMigrations(opts: DeployMigrationsOptions): Promise<{ applied: string[] }> {
  const migrationsList = readMigrationsList(opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  return withSchemaEngine(opts.databaseUrl, undefined, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    return { applied: appliedMigrationNames };
  });
}

/**
 * What `prisma migrate dev --create-only` does: bring the database up to date with the existing
 * migrations, then write the SQL that takes it to the schema as a new migration directory (not applied).
 * `directory` is null when the schema has no changes.
 */
export async function createMigration(opts: CreateMigrationOptions): Promise<{ directory: string | null }> {
  const migrationName = opts.name.trim();
  if (!/^[A-Za-z0-9_]+$/.test(migrationName)) {
    throw new Error(`Migration name "${opts.name}" must contain only letters, digits and underscores`);
  }
  const migrationsDir = path.resolve(opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const schemaPath = path.resolve(opts.schemaPath ?? DEFAULT_SCHEMA_PATH);
  const schemaFile = { path: schemaPath, content: readFileSync(schemaPath, "utf8") };
  const migrationsList = readMigrationsList(migrationsDir);

  const created = await withSchemaEngine(opts.databaseUrl, [schemaFile], async (engine) => {
    // createMigration needs the shadow database and history that applyMigrations + devDiagnostic
    // set up on this same engine instance; on its own it fails.
    await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    const diagnostic = await engine.devDiagnostic({ migrationsList, filters: NO_FILTERS });
    if (diagnostic.action.tag === "reset") {
      throw new Error(`The database needs a reset before a migration can be created: ${diagnostic.action.reason}`);
    }
    return engine.createMigration({
      draft: false,
      migrationName,
      migrationsList,
      schema: { files: [schemaFile] },
      filters: NO_FILTERS,
    });
  });

  if (created.migrationScript === null) return { directory: null };
  const directory = path.join(migrationsDir, created.generatedMigrationName);
  mkdirSync(directory, { recursive: true });
  writeFileSync(path.join(directory, MIGRATION_FILE_NAME), created.migrationScript, "utf8");
  writeFileSync(path.join(migrationsDir, LOCKFILE_NAME), lockfileContent(created.connectorType), "utf8");
  return { directory };
}

async function withSchemaEngine<T>(
  databaseUrl: string,
  schemaFiles: { path: string; content: string }[] | undefined,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const SchemaEngineClass = await loadSchemaEngine();
  const adapterFactory = createMigrationAdapterFactory(databaseUrl);
  const boundFactory = bindMigrationAwareSqlAdapterFactory(adapterFactory);
  let engine: SchemaEngine | undefined;
  try {
    engine = await SchemaEngineClass.new(
      { datamodels: schemaFiles?.map((file): [string, string] => [file.path, file.content]) },
      () => {},
      boundFactory,
    );
    return await work(engine);
  } catch (error) {
    const panic = takeSchemaEnginePanicMessage();
    if (panic) throw new Error(`Prisma's schema engine panicked: ${panic}`, { cause: error });
    throw explainEngineError(error, boundFactory.errorRegistry);
  } finally {
    engine?.free();
    await adapterFactory.disposeAll();
  }
}

/** Driver failures reach us as "External error id#N"; the registry holds the real cause. */
function explainEngineError(
  error: unknown,
  registry: { consumeError(id: number): { error: unknown } | undefined },
): Error {
  const message = error instanceof Error ? error.message : String(error);
  const external = /External error id#(\d+)/.exec(message);
  if (external) {
    const cause = registry.consumeError(Number(external[1]))?.error;
    if (cause !== undefined) {
      const causeMessage = cause instanceof Error ? cause.message : describeDriverError(cause);
      return new Error(`${message.replace(external[0], causeMessage)}`, { cause });
    }
  }
  return error instanceof Error ? error : new Error(message);
}

function describeDriverError(cause: unknown): string {
  if (cause && typeof cause === "object") {
    const record = cause as Record<string, unknown>;
    if (typeof record.originalMessage === "string") return record.originalMessage;
    if (typeof record.message === "string") return record.message;
    return JSON.stringify(cause);
  }
  return String(cause);
}
