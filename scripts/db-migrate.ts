// `npm run db:migrate` (deploy) and `npm run db:migration:create -- <name>` without Prisma's downloaded
// schema engine: scripts/db/migration-engine.ts drives its WebAssembly build instead. Runs against DATABASE_URL,
// or the embedded PostgreSQL (started for the duration when it is not running).
import path from "node:path";
import { DatabaseUnavailableError, resolveDatabase } from "@/scripts/db/embedded-postgres";
import { migrateDatabase } from "@/scripts/db/migrate-database";
import { createMigration } from "@/scripts/db/migration-engine";

const USAGE = "Usage: tsx scripts/db-migrate.ts deploy | create <name>";

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== "deploy" && command !== "create") throw new UsageError(USAGE);
  const name = rest[0];
  if (command === "create" && (!name || rest.length > 1)) throw new UsageError(`create needs exactly one migration name. ${USAGE}`);

  const database = await resolveDatabase({ log: (line) => console.log(line) });
  try {
    if (command === "deploy") {
      const { applied } = await migrateDatabase(database.url);
      if (applied.length === 0) console.log("database is up to date");
      for (const migration of applied) console.log(`applied ${migration}`);
      return;
    }
    const { directory } = await createMigration({ databaseUrl: database.url, name: name! });
    console.log(
      directory
        ? `created ${path.relative(process.cwd(), path.join(directory, "migration.sql"))}`
        : "no schema changes: no migration created",
    );
  } finally {
    await database.stop();
  }
}

class UsageError extends Error {}

// An explicit exit either way: once embedded-postgres is loaded, its exit hook ends the process with code 0 and
// would hide a failure.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    // One line, no stack: the engine's messages already say which migration and why.
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | null)?.code;
    const prefix = error instanceof UsageError || error instanceof DatabaseUnavailableError ? "" : "db-migrate failed: ";
    console.error(`${prefix}${message}${typeof code === "string" && /^P\d+$/.test(code) ? ` (${code})` : ""}`);
    process.exit(1);
  },
);
