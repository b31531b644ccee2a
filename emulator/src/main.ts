// `npm run emulator`: the eBay emulator as its own process, configured from the environment (see README.md).
import { optionsFromEnv } from "./config";
import { createEmulator } from "./server";

async function main(): Promise<void> {
  const port = Number(process.env.EBAY_EMULATOR_PORT ?? 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error("EBAY_EMULATOR_PORT must be a port number");
  const emulator = createEmulator({ ...optionsFromEnv(process.env), host: process.env.EBAY_EMULATOR_HOST || "127.0.0.1" });
  const { origin } = await emulator.listen(port);
  const apps = emulator.context.config.apps.map((app) => app.clientId).join(", ");
  console.log(`eBay emulator listening on ${origin} (apps: ${apps}; ${emulator.context.state.sellersByUsername.size} sellers)`);

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
