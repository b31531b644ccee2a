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

  // Background work of the Next server process. Each job guards itself against running twice (leases in the
  // database), so several server processes may all start it. CHANNELKEYS_BACKGROUND=off starts none of it
  // (e.g. for a process that only serves pages while a separate worker does the upkeep).
  if (process.env.CHANNELKEYS_BACKGROUND === "off") return;

  const { startCheckRunWorker } = await import("@/lib/checks/run-worker");
  startCheckRunWorker();
  const { startScheduler } = await import("@/lib/upkeep/scheduler");
  startScheduler();
}
