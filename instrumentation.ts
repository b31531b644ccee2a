// Runs once when the Next server process starts.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;

  // Before Next.js takes requests: per-IP limits and audit lines need each request's socket address, which App
  // Router code cannot otherwise see (lib/auth/socket-address.ts says why). A TRUSTED_PROXY_HOPS or
  // TRUSTED_PROXIES value that cannot be read fails here, and Next.js then answers every request with a 500 and
  // logs why, instead of the first sign-in finding out.
  const { installSocketAddressCapture } = await import("@/lib/auth/socket-address");
  installSocketAddressCapture();
  const { proxyTrustFromEnv } = await import("@/lib/auth/client-ip");
  proxyTrustFromEnv();

  // Background work: this process works queue jobs (bulk checks, upkeep, warning delivery) like any `npm run worker`
  // process; the queue gives each job to one worker, so any number of them may run. CHANNELKEYS_BACKGROUND=off starts
  // none of it (a process that only serves pages while separate workers do the jobs).
  if (process.env.CHANNELKEYS_BACKGROUND === "off") return;

  const { startBackgroundWork } = await import("@/lib/jobs/background-work");
  await startBackgroundWork();
}
