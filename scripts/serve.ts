// One command from a fresh clone to a working dashboard: starts the embedded PostgreSQL (or uses DATABASE_URL),
// migrates it, starts the eBay emulator when no eBay keyset is configured, builds and serves Next.js.
//   tsx scripts/serve.ts            production build + `next start` (npm start)
//   tsx scripts/serve.ts --dev      `next dev` (npm run dev)
//   --no-emulator                   never start the emulator (tests start their own)
//   --fresh-database                drop and recreate the database first (end-to-end tests)
//   --skip-build                    reuse the existing .next build
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { nextAuthSecretFile, readOrCreateSecretFile } from "../lib/auth/secret";
import { dataDirectory, DatabaseUnavailableError, resolveDatabase, type ResolvedDatabase } from "./db/embedded-postgres";
import { migrateDatabase } from "./db/migrate-database";

const args = new Set(process.argv.slice(2));
const isDev = args.has("--dev");
const root = path.resolve(__dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const dataDir = dataDirectory();

const port = process.env.PORT ?? "3000";
const emulated = !process.env.EBAY_CLIENT_ID;
const emulatorPort = process.env.EBAY_EMULATOR_PORT ?? "4010";

const env: NodeJS.ProcessEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
  PORT: port,
  NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${port}`,
  // The same file the app falls back to (lib/auth/secret.ts): sessions survive restarts.
  NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? readOrCreateSecretFile(nextAuthSecretFile(dataDir)),
};
if (emulated) {
  env.EBAY_EMULATOR_PORT = emulatorPort;
  env.EBAY_EMULATOR_URL = process.env.EBAY_EMULATOR_URL ?? `http://localhost:${emulatorPort}`;
  env.EBAY_EMULATOR_ACCEPT_URL ??= `http://localhost:${port}/api/ebay/callback`;
  env.EBAY_EMULATOR_DECLINE_URL ??= `http://localhost:${port}/api/ebay/callback`;
  // The demo receives eBay's notifications as production would: the emulator sends revocations and account deletions
  // to the app's endpoint (after the challenge), with a demo verification token both sides share.
  env.EBAY_NOTIFICATION_ENDPOINT_URL ??= `${env.NEXTAUTH_URL}/api/ebay/notifications`;
  env.EBAY_NOTIFICATION_VERIFICATION_TOKEN ??= "channelkeys-demo-notification-verification-token";
  env.EBAY_EMULATOR_NOTIFICATION_ENDPOINT ??= env.EBAY_NOTIFICATION_ENDPOINT_URL;
  env.EBAY_EMULATOR_NOTIFICATION_VERIFICATION_TOKEN ??= env.EBAY_NOTIFICATION_VERIFICATION_TOKEN;
  env.EBAY_EMULATOR_AUTHORIZATION_REVOCATION_ENDPOINT ??= env.EBAY_NOTIFICATION_ENDPOINT_URL;
  env.EBAY_EMULATOR_AUTHORIZATION_REVOCATION_VERIFICATION_TOKEN ??= env.EBAY_NOTIFICATION_VERIFICATION_TOKEN;
  env.EBAY_EMULATOR_PLATFORM_NOTIFICATION_ENDPOINT ??= env.EBAY_NOTIFICATION_ENDPOINT_URL;
}

const children: ChildProcess[] = [];

function runStep(label: string, command: string, commandArgs: string[]): void {
  const result = spawnSync(command, commandArgs, { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`\n${label} failed (exit ${result.status ?? result.signal}).`);
    void database?.stop().finally(() => process.exit(result.status ?? 1));
    throw new Error(`${label} failed`);
  }
}

function startChild(command: string, commandArgs: string[]): ChildProcess {
  const child = spawn(command, commandArgs, { cwd: root, env, stdio: "inherit" });
  children.push(child);
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`${path.basename(command)} exited (${code ?? signal}); stopping.`);
      stop(code ?? 1);
    }
  });
  return child;
}

let stopping = false;
let database: ResolvedDatabase | undefined;
function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  const exited = children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve))));
  for (const child of children) child.kill("SIGTERM");
  // The web server stops first (its jobs go back to the queue), then the embedded database if this process started it.
  void Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, 5_000))])
    .then(() => database?.stop())
    .finally(() => process.exit(code));
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

async function recreateDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  // A lost connection rejects the query under way; unheard, the same error event would end the process.
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  // A server of your own may not have the database yet: a fresh one is made before it is checked.
  if (args.has("--fresh-database") && process.env.DATABASE_URL) await recreateDatabase(process.env.DATABASE_URL);
  database = await resolveDatabase({ log: (line) => console.log(line) });
  env.DATABASE_URL = database.url;
  if (args.has("--fresh-database") && database.source !== "external") await recreateDatabase(database.url);
  const { applied } = await migrateDatabase(database.url);
  for (const name of applied) console.log(`Database: applied ${name}`);
  // Against the emulator it creates the demo sign-in; with eBay keys it removes one left from an emulated start.
  runStep("Demo workspace", bin("tsx"), ["scripts/seed-demo.ts"]);
  if (!isDev && !args.has("--skip-build")) runStep("Build", bin("next"), ["build"]);

  if (emulated && !args.has("--no-emulator")) {
    env.EBAY_EMULATOR_STATE_FILE ??= path.join(dataDir, "emulator-state.json");
    startChild(bin("tsx"), ["emulator/src/main.ts"]);
  }
  startChild(bin("next"), [isDev ? "dev" : "start", "-p", port]);

  console.log(
    `\nChannelKeys: http://localhost:${port}` +
      (emulated ? `  (Emulated eBay at ${env.EBAY_EMULATOR_URL})\nDemo sign-in: demo@channelkeys.test / channelkeys-demo` : "") +
      `\nDatabase: ${database.source === "external" ? "DATABASE_URL" : `embedded PostgreSQL in ${path.relative(root, path.join(dataDir, "postgres"))}`}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof DatabaseUnavailableError ? error.message : `ChannelKeys could not start: ${error instanceof Error ? error.message : String(error)}`);
  void database?.stop().finally(() => process.exit(1));
  if (!database) process.exit(1);
});
