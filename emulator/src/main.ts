// `npm run emulator`: the eBay emulator as its own process, configured from the environment (see README.md).
import { isLoopbackHostname } from "./access";
import { optionsFromEnv } from "./config";
import { createEmulator } from "./server";

async function main(): Promise<void> {
  const port = Number(process.env.EBAY_EMULATOR_PORT ?? 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error("EBAY_EMULATOR_PORT must be a port number");
  const host = process.env.EBAY_EMULATOR_HOST || "127.0.0.1";
  const emulator = createEmulator({ ...optionsFromEnv(process.env), host });
  const { origin } = await emulator.listen(port);
  const apps = emulator.context.config.apps.map((app) => app.clientId).join(", ");
  console.log(`eBay emulator listening on ${origin} (apps: ${apps}; ${emulator.context.state.sellersByUsername.size} sellers)`);
  if (!isLoopbackHostname(host) && !emulator.context.config.controlAllowRemote) {
    // Bound to a shared interface, the eBay surface is reachable from elsewhere but /__emulator/ is not: say so.
    console.log("Control API /__emulator/ answers loopback clients only (EBAY_EMULATOR_CONTROL_ALLOW_REMOTE=1 to open it)");
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`eBay emulator stopping (${signal})`);
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(`eBay emulator failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
