// One command from a fresh clone to a working dashboard: prepares the embedded database,
// starts the eBay emulator when no eBay keyset is configured, builds and serves Next.js.
//   tsx scripts/serve.ts            production build + `next start` (npm start)
//   tsx scripts/serve.ts --dev      `next dev` (npm run dev)
//   --no-emulator                   never start the emulator (tests start their own)
//   --fresh-database                delete the SQLite file first (end-to-end tests)
//   --skip-build                    reuse the existing .next build
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { nextAuthSecretFile, readOrCreateSecretFile } from "../lib/auth/secret";

const args = new Set(process.argv.slice(2));
const isDev = args.has("--dev");
const root = path.resolve(__dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const dataDir = path.join(root, ".data");

const port = process.env.PORT ?? "3000";
const emulated = !process.env.EBAY_CLIENT_ID;
const emulatorPort = process.env.EBAY_EMULATOR_PORT ?? "4010";

const env: NodeJS.ProcessEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
  PORT: port,
  DATABASE_URL: process.env.DATABASE_URL ?? "file:./.data/channelkeys.db",
  NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${port}`,
  // The same file the app falls back to (lib/auth/secret.ts): sessions survive restarts.
  NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? readOrCreateSecretFile(nextAuthSecretFile(dataDir)),
};
if (emulated) {
  env.EBAY_EMULATOR_PORT = emulatorPort;
  env.EBAY_EMULATOR_URL = process.env.EBAY_EMULATOR_URL ?? `http://localhost:${emulatorPort}`;
  env.EBAY_EMULATOR_ACCEPT_URL ??= `http://localhost:${port}/api/ebay/callback`;
  env.EBAY_EMULATOR_DECLINE_URL ??= `http://localhost:${port}/api/ebay/callback`;
}

const children: ChildProcess[] = [];

function runStep(label: string, command: string, commandArgs: string[]): void {
  const result = spawnSync(command, commandArgs, { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`\n${label} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
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
function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 500).unref();
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

mkdirSync(dataDir, { recursive: true });
if (args.has("--fresh-database")) {
  const file = env.DATABASE_URL!.replace(/^file:/, "");
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(path.resolve(root, file + suffix), { force: true });
}
runStep("Database migration", bin("tsx"), ["scripts/db-migrate.ts", "deploy"]);
if (emulated) runStep("Demo workspace", bin("tsx"), ["scripts/seed-demo.ts"]);
if (!isDev && !args.has("--skip-build")) runStep("Build", bin("next"), ["build"]);

if (emulated && !args.has("--no-emulator")) {
  env.EBAY_EMULATOR_STATE_FILE ??= path.join(dataDir, "emulator-state.json");
  startChild(bin("tsx"), ["emulator/src/main.ts"]);
}
startChild(bin("next"), [isDev ? "dev" : "start", "-p", port]);

if (emulated) {
  console.log(
    `\nChannelKeys: http://localhost:${port}  (Emulated eBay at ${env.EBAY_EMULATOR_URL})` +
      `\nDemo sign-in: demo@channelkeys.test / channelkeys-demo\n`,
  );
}
