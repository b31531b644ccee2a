// Background work of the Next server process: it works queue jobs (bulk checks, upkeep, warning delivery) like any
// `npm run worker` process; the queue gives each job to one worker, so any number of them may run.
// CHANNELKEYS_BACKGROUND=off starts none of it (a process that only serves pages while separate workers do the jobs).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.CHANNELKEYS_BACKGROUND === "off") return;

  const { startBackgroundWork } = await import("@/lib/jobs/background-work");
  await startBackgroundWork();
}
