// A background worker process: `npm run worker`. Works queue jobs (bulk-check items, upkeep on the queue's cron,
// warning delivery) next to any number of web and worker processes on one database: the queue gives each job to one
// of them, and the jobs of a process that dies go back to the queue. Run web servers with CHANNELKEYS_BACKGROUND=off
// to leave all background work to worker processes.
// Uses DATABASE_URL, or the embedded PostgreSQL (started if no other process has). Needs node's react-server condition
// (lib/ modules import "server-only"): tsx --conditions=react-server.
import { DatabaseUnavailableError, redactUrl, resolveDatabase } from "@/scripts/db/embedded-postgres";
import { migrateDatabase } from "@/scripts/db/migrate-database";

async function main(): Promise<void> {
  if (process.env.CHANNELKEYS_BACKGROUND === "off") {
    console.error("CHANNELKEYS_BACKGROUND=off: the worker has nothing to do. Unset it for this process.");
    process.exit(1);
  }
  const database = await resolveDatabase({ log: (line) => console.log(line) });
  process.env.DATABASE_URL = database.url;
  await migrateDatabase(database.url);

  // Imported after DATABASE_URL is known: the shared client reads it on first use.
  const { startBackgroundWork, stopBackgroundWork } = await import("@/lib/jobs/background-work");
  const { upkeepConfigFromEnv } = await import("@/lib/upkeep/upkeep-config");
  await startBackgroundWork();
  const config = upkeepConfigFromEnv();
  console.log(
    `ChannelKeys worker (pid ${process.pid}) on ${database.source === "external" ? redactUrl(database.url) : "the embedded PostgreSQL"}: ` +
      `${process.env.CHECK_RUN_CONCURRENCY ?? 16} jobs at once; upkeep sweeps: ${[...config.sweeps].join(", ") || "none"}; ` +
      `email ${config.warnings.smtpUrl ? "on" : "off (SMTP_URL unset)"}.`,
  );

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    // Jobs in progress finish or go back to the queue; then the embedded database stops if this process started it.
    await stopBackgroundWork().catch(() => {});
    await database.stop().catch(() => {});
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
}

main().catch((error: unknown) => {
  if (error instanceof DatabaseUnavailableError) console.error(error.message);
  else console.error(`ChannelKeys worker failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
