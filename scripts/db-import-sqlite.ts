// `npm run db:import-sqlite -- <path to channelkeys.db> [--replace]`: moves a SQLite release's data into PostgreSQL
// (DATABASE_URL, or the embedded cluster, started for the duration when it is not running). Stop the old release
// first; keep its .data/token-keys.json and .data/nextauth-secret (see README, "Upgrading from the SQLite release").
import { existsSync } from "node:fs";
import path from "node:path";
import { DEFAULT_KEY_FILE, parseTokenKeys, readKeyFile, type TokenKeyRing } from "@/lib/crypto/token-keys";
import { DatabaseUnavailableError, redactUrl, resolveDatabase } from "@/scripts/db/embedded-postgres";
import { formatImportReport, importSqliteDatabase, ImportRefusedError } from "@/scripts/db/import-sqlite";
import { migrateDatabase } from "@/scripts/db/migrate-database";

const USAGE = "Usage: npm run db:import-sqlite -- <path to channelkeys.db> [--replace]";

/** The exit code: 0 when the import is committed, 1 when it was refused, failed or rolled back. */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const replace = args.includes("--replace");
  const unknownOption = args.find((arg) => arg.startsWith("--") && arg !== "--replace");
  const files = args.filter((arg) => !arg.startsWith("--"));
  if (unknownOption) throw new UsageError(`Unknown option ${unknownOption}. ${USAGE}`);
  if (files.length !== 1) throw new UsageError(USAGE);
  const sqlitePath = path.resolve(files[0]!);
  if (!existsSync(sqlitePath)) throw new UsageError(`No file at ${sqlitePath}. ${USAGE}`);
  // The SQLite release's own setting; left in an env file it would send this import nowhere.
  if (process.env.DATABASE_URL?.trim().startsWith("file:")) {
    throw new UsageError(
      "DATABASE_URL still names a SQLite file (file:…): unset it to import into the embedded PostgreSQL, or set it to the postgres:// URL to import into.",
    );
  }

  const database = await resolveDatabase({ log: (line) => console.log(line) });
  try {
    console.log(`Importing ${sqlitePath} into ${redactUrl(database.url)}${database.source === "external" ? "" : " (embedded PostgreSQL)"}`);
    const { applied } = await migrateDatabase(database.url);
    if (applied.length > 0) console.log(`Migrated the database first (${applied.length} migration${applied.length === 1 ? "" : "s"} applied).`);
    const report = await importSqliteDatabase({ sqlitePath, databaseUrl: database.url, replace });
    console.log(formatImportReport(report));
    const keyAdvice = tokenKeyAdvice(report.sealedWithKeyIds);
    if (keyAdvice) console.log(keyAdvice);
    return report.committed ? 0 : 1;
  } finally {
    await database.stop();
  }
}

/**
 * The import copies ciphertext; only the key ring the app will load opens it. Says whether that ring (by key id;
 * key material is never read into a message) holds every key the tokens were sealed with.
 */
function tokenKeyAdvice(keyIds: string[]): string | null {
  if (keyIds.length === 0) return null;
  const fromEnvironment = process.env.TOKEN_ENCRYPTION_KEYS?.trim();
  const keyFile = path.resolve(process.cwd(), DEFAULT_KEY_FILE);
  let ring: TokenKeyRing;
  let source: string;
  try {
    if (fromEnvironment) {
      ring = parseTokenKeys(fromEnvironment);
      source = "TOKEN_ENCRYPTION_KEYS";
    } else if (existsSync(keyFile)) {
      ring = readKeyFile(keyFile);
      source = path.relative(process.cwd(), keyFile);
    } else {
      return `Token keys: neither TOKEN_ENCRYPTION_KEYS nor ${DEFAULT_KEY_FILE} is here. Copy the SQLite release's ${DEFAULT_KEY_FILE} (key ${keyIds.join(", ")}) before starting, or the tokens cannot be opened.`;
    }
  } catch (error) {
    return `Token keys: ${(error as Error).message}. The tokens need key ${keyIds.join(", ")}.`;
  }
  const missing = keyIds.filter((id) => !ring.byId.has(id));
  return missing.length === 0
    ? `Token keys: ${source} holds every key the tokens were sealed with (${keyIds.join(", ")}).`
    : `Token keys: ${source} lacks key ${missing.join(", ")}: put the SQLite release's key ring in place before starting, or those tokens cannot be opened.`;
}

class UsageError extends Error {}

main()
  .catch((error: unknown) => {
    // One line, no stack: every refusal already says what to do, and the transaction left nothing behind.
    const message = error instanceof Error ? error.message : String(error);
    const expected = error instanceof UsageError || error instanceof ImportRefusedError || error instanceof DatabaseUnavailableError;
    console.error(expected ? message : `db:import-sqlite failed: ${message} Nothing was imported.`);
    return 1;
  })
  // Explicitly: once embedded-postgres is loaded, its exit hook (async-exit-hook on beforeExit) ends the process
  // with code 0 when the event loop drains, whatever process.exitCode says, which would hide a refusal.
  .then((exitCode) => process.exit(exitCode));
