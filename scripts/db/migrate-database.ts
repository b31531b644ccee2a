// Everything a database needs before ChannelKeys runs on it: the committed Prisma migrations (through Prisma's schema
// engine as WebAssembly, see migration-engine.ts) and the job queue's own schema (graphile_worker, migrated by
// graphile-worker itself; Prisma only looks at the public schema, so the two never meet).
import { Logger, runMigrations } from "graphile-worker";
import { deployMigrations } from "@/scripts/db/migration-engine";

// graphile-worker logs each of its migration steps; a migration run prints its own summary instead.
const quietLogger = new Logger(() => () => {});

export async function migrateDatabase(databaseUrl: string): Promise<{ applied: string[] }> {
  const result = await deployMigrations({ databaseUrl });
  await runMigrations({ connectionString: databaseUrl, logger: quietLogger });
  return result;
}
