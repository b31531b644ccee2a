// `npm run db:migrate` (deploy) and `npm run db:migration:create -- <name>` without Prisma's downloaded
// schema engine: scripts/db/migration-engine.ts drives its WebAssembly build instead.
import { databaseUrlFromEnv } from "@/lib/db";
import { createMigration, deployMigrations } from "@/scripts/db/migration-engine";
import path from "node:path";

const USAGE = "Usage: tsx scripts/db-migrate.ts deploy | create <name>";

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const databaseUrl = databaseUrlFromEnv();
  if (command === "deploy") {
    const { applied } = await deployMigrations({ databaseUrl });
    if (applied.length === 0) console.log("database is up to date");
    for (const name of applied) console.log(`applied ${name}`);
    return;
  }
  if (command === "create") {
    const name = rest[0];
    if (!name || rest.length > 1) throw new UsageError(`create needs exactly one migration name. ${USAGE}`);
    const { directory } = await createMigration({ databaseUrl, name });
    console.log(
      directory
        ? `created ${path.relative(process.cwd(), path.join(directory, "migration.sql"))}`
        : "no schema changes: no migration created",
    );
    return;
  }
  throw new UsageError(USAGE);
}

class UsageError extends Error {}

main().catch((error: unknown) => {
  // One line, no stack: the engine's messages already say which migration and why.
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const prefix = error instanceof UsageError ? "" : "db-migrate failed: ";
  console.error(`${prefix}${message}${typeof code === "string" && /^P\d+$/.test(code) ? ` (${code})` : ""}`);
  process.exitCode = 1;
});
