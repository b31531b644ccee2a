// The background upkeep as its own process: `npm run worker`. Runs the scheduler (daily re-checks, backoff,
// warnings and their delivery) and the bulk-check run worker that carries out the checks it schedules.
// Safe next to any number of server processes doing the same: every sweep and run is leased in the database.
// Run web servers with CHANNELKEYS_BACKGROUND=off to leave all background work to this process.
// Needs node's react-server condition (lib/ modules import "server-only"): tsx --conditions=react-server.
import { startCheckRunWorker } from "@/lib/checks/run-worker";
import { startScheduler, stopScheduler } from "@/lib/upkeep/scheduler";
import { upkeepConfigFromEnv } from "@/lib/upkeep/upkeep-config";

if (process.env.CHANNELKEYS_BACKGROUND === "off") {
  console.error("CHANNELKEYS_BACKGROUND=off: the worker has nothing to do. Unset it for this process.");
  process.exit(1);
}

const config = upkeepConfigFromEnv();
startCheckRunWorker();
startScheduler();
console.log(
  `ChannelKeys worker (pid ${process.pid}): upkeep every ${config.intervalSeconds}s, sweeps: ${[...config.sweeps].join(", ") || "none"}; ` +
    `email ${config.warnings.smtpUrl ? "on" : "off (SMTP_URL unset)"}.`,
);

function shutdown(): void {
  stopScheduler();
  // The check-run worker's leases expire on their own; another process resumes any run in progress.
  process.exit(0);
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
