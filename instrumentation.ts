// Background work of the Next server process. Each job guards itself against running twice (leases in the
// database), so several server processes may all start it. CHANNELKEYS_BACKGROUND=off starts none of it
// (e.g. for a process that only serves pages while a separate worker does the upkeep).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.CHANNELKEYS_BACKGROUND === "off") return;

  const { startCheckRunWorker } = await import("@/lib/checks/run-worker");
  startCheckRunWorker();
  const { startScheduler } = await import("@/lib/upkeep/scheduler");
  startScheduler();
}
