// `npm run bench`: every ChannelKeys benchmark in one command, on the product's own stack: the embedded PostgreSQL,
// `npm run worker` processes (graphile-worker) doing the background work, `next start` serving pages. Prints one
// table (name | value | unit | target | verdict | note) and writes bench/results/latest.json and latest.md.
//
// What it does, in order (each step's processes are stopped before the command ends, even on failure):
//  1. a production build in .next-bench/ when that build is missing or older than the sources (`--rebuild` forces
//     one, `--skip-build` reuses whatever is there);
//  2. its own embedded PostgreSQL (startOrAttachEmbedded, a temporary cluster in .data/bench/ on port 55301),
//     migrated as every process migrates it; the eBay emulator on port 4301 with the daily quotas an application
//     gets after eBay's growth check, sharing a virtual clock file with the app;
//  3. a 10,000-account workspace connected in ten batches while the shared clock moves forward (refresh tokens
//     issued over ~18 months), one account in BENCH_OAUTH_EVERY through the product's OAuth completion and the others
//     with the same eBay calls and the same rows written in bulk (bench/tasks/connect-fleet.ts);
//  4. two worker processes (scripts/worker.ts, as `npm run worker`) at CHECK_RUN_CONCURRENCY=16 each, then the bulk
//     check: 150 ms latency on every eBay call, one "Check all" run over the 10,000 accounts; eBay calls counted by
//     the emulator, CPU per process from /proc, database round trips counted inside each worker;
//  5. mixed account states through the product (revocations found by a run, eBay 503s, disconnects), then
//     1,000,000 audit events over 18 months, in bulk, and the database settled (VACUUM (ANALYZE), CHECKPOINT);
//  6. `next start` on port 3301 (background work off: the workers do it): sign in through next-auth, then 50 timed
//     requests per page after warm-up;
//  7. run progress: a running bulk check watched by 1 and 20 pages, through the event stream and by polling once a
//     second, counting the web process's database round trips and the database's commits per second;
//  8. peak memory of the web process, each worker and PostgreSQL; the emulator's own throughput.
// Also writes each process's log to bench/results/logs/.
//
// Options: --rebuild, --skip-build, --bulk-only (connect and bulk check only), --profile (V8 CPU profile of worker 1
// during the bulk check, in bench/results/profiles/), --keep-data (leave .data/bench/, its database cluster included,
// for a look afterwards: startOrAttachEmbedded with that folder and port serves it again; the server is stopped
// either way). Sizes: BENCH_ACCOUNTS (10000), BENCH_AUDIT_EVENTS (1000000),
// BENCH_OAUTH_EVERY (every Nth account through the full OAuth completion). Ports: BENCH_APP_PORT (3301),
// BENCH_EMULATOR_PORT (4301), BENCH_POSTGRES_PORT (55301).
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { formatTokenKeys, generateTokenKey } from "@/lib/crypto/token-keys";
import { benchEmulatorThroughput } from "@/bench/emulator-throughput";
import { EmulatorControl, callsBetween, type EmulatorCalls } from "@/bench/support/emulator-control";
import { describeMachine, loadAverage, type MachineInfo } from "@/bench/support/machine";
import { PageSession, timePage, type PageTiming } from "@/bench/support/page-session";
import { cpuSecondsOf, hostCpuSeconds, mebibytes, peakRssOf, sampleTreeRss, treeCpuSecondsOf, type TreeMemoryPeak } from "@/bench/support/process-usage";
import { REPO_ROOT, nodeTaskArgs, runToCompletion, startProcess, stopAllProcesses, stopAllProcessesOnSignals, type StartedProcess } from "@/bench/support/processes";
import { QUERY_COUNTER_PRELOAD, addCounts, countsBetween, describeKinds, readQueryCounts, type QueryCounts } from "@/bench/support/query-counts";
import { formatMarkdown, formatTable, judgeAll, type BenchResult, type JudgedResult } from "@/bench/support/results-table";
import { median, percentile, round } from "@/bench/support/statistics";
import { TASK_OUTPUT_ENV, readTaskOutput } from "@/bench/support/task-io";
import { pollRun, streamRun, type RunWatcher } from "@/bench/support/run-watchers";
import { sleep } from "@/bench/support/concurrency";
import type { ConnectBatch, ConnectFleetOutput } from "@/bench/tasks/connect-fleet";
import type { StartCheckRunOutput } from "@/bench/tasks/start-check-run";
import type { MixStatesOutput } from "@/bench/tasks/mix-account-states";
import type { SeedAuditOutput } from "@/bench/tasks/seed-audit-history";

function positiveIntegerFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

const FLEET_ACCOUNTS = positiveIntegerFromEnv("BENCH_ACCOUNTS", 10_000);
const AUDIT_EVENTS = positiveIntegerFromEnv("BENCH_AUDIT_EVENTS", 1_000_000);
/** How deep the deep-cursor page is: 900,000 events down at full size, 90% of the history when smaller. */
const DEEP_CURSOR_EVENTS = Math.min(900_000, Math.floor(AUDIT_EVENTS * 0.9));
/** Every Nth account is connected one at a time through completeOAuth; the rest in bulk (connect-fleet.ts says why). */
const OAUTH_EVERY = positiveIntegerFromEnv("BENCH_OAUTH_EVERY", 10);
const EBAY_LATENCY_MS = 150;
const WORKER_PROCESSES = 2;
const WORKER_CONCURRENCY = 16;
/** The issue's bar: wall time within 1.2x of calls x latency / (processes x concurrency). */
const BULK_RATIO_TARGET = "<= 1.2";
const PAGE_WARMUP = 5;
const PAGE_SAMPLES = 50;
const PAGE_MEDIAN_TARGET = "< 100";
const PAGE_P95_TARGET = "< 250";
/** Pages watching a run, and how long each watching arrangement is measured. */
const WATCHER_COUNTS = [1, 20];
const WATCH_SETTLE_MS = 3_000;
const WATCH_MEASURE_MS = 10_000;
/**
 * Daily quotas for the emulator's app: eBay's starting ones (5,000 calls per API) would stop a 10,000-account fleet
 * in its first run, and eBay raises them after an application's growth check; these are of that order.
 */
const GROWTH_CHECK_QUOTAS = {
  EBAY_EMULATOR_QUOTA_API: "1500000",
  EBAY_EMULATOR_QUOTA_REFRESH_TOKEN: "1500000",
  EBAY_EMULATOR_QUOTA_AUTHORIZATION_CODE: "100000",
  EBAY_EMULATOR_QUOTA_CLIENT_CREDENTIALS: "50000",
};
/** The whole command stops by itself after this, whatever state it is in. */
const HARD_DEADLINE_MS = 15 * 60 * 1000;
const DAY_SECONDS = 24 * 60 * 60;
const REFRESH_TOKEN_DAYS = 547.5;

const APP_PORT = Number(process.env.BENCH_APP_PORT ?? 3301);
const EMULATOR_PORT = Number(process.env.BENCH_EMULATOR_PORT ?? 4301);
const POSTGRES_PORT = Number(process.env.BENCH_POSTGRES_PORT ?? 55301);
const DIST_DIR = ".next-bench";
const WORK_DIR = path.join(REPO_ROOT, ".data", "bench");
const DATABASE_DIR = path.join(WORK_DIR, "database");
const QUERY_COUNT_DIR = path.join(WORK_DIR, "query-counts");
const RESULTS_DIR = path.join(REPO_ROOT, "bench", "results");
const LOG_DIR = path.join(RESULTS_DIR, "logs");
const PROFILE_DIR = path.join(RESULTS_DIR, "profiles");
const CLOCK_FILE = path.join(WORK_DIR, "clock.json");
const EMULATOR_ORIGIN = `http://localhost:${EMULATOR_PORT}`;
const APP_ORIGIN = `http://localhost:${APP_PORT}`;

const FLEET_USER = { name: "Bench Agency", email: "fleet@bench.channelkeys.test", password: "bench-fleet-password" };

const args = new Set(process.argv.slice(2));
/** --bulk-only: connect the fleet and run the bulk check, for iterating on the workers. */
const bulkOnly = args.has("--bulk-only");
const results: BenchResult[] = [];
const phaseLog: Array<{ phase: string; seconds: number; loadAverage: string; error?: string }> = [];

function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

const tokenKeys = formatTokenKeys([generateTokenKey("bench")]);
const nextAuthSecret = randomBytes(32).toString("base64url");
let databaseUrl = "";

/** Environment every bench process shares: one database, one key ring, one emulator, one virtual clock. */
function sharedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // A real eBay keyset or mail server in the caller's environment must never be used by a benchmark.
  for (const name of ["EBAY_CLIENT_ID", "EBAY_CLIENT_SECRET", "EBAY_DEV_ID", "EBAY_RU_NAME", "EBAY_ENVIRONMENT", "SMTP_URL", "DATABASE_URL"]) delete env[name];
  return {
    ...env,
    NEXT_TELEMETRY_DISABLED: "1",
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    TOKEN_ENCRYPTION_KEYS: tokenKeys,
    NEXTAUTH_SECRET: nextAuthSecret,
    EBAY_EMULATOR_URL: EMULATOR_ORIGIN,
    CHANNELKEYS_SHARED_CLOCK_FILE: CLOCK_FILE,
  };
}

async function phase(name: string, work: () => Promise<void>): Promise<boolean> {
  const startedAt = performance.now();
  const load = loadAverage();
  log(`${name}... (load average ${load})`);
  try {
    await work();
    phaseLog.push({ phase: name, seconds: round((performance.now() - startedAt) / 1000), loadAverage: load });
    log(`${name}: done in ${round((performance.now() - startedAt) / 1000)}s`);
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    phaseLog.push({ phase: name, seconds: round((performance.now() - startedAt) / 1000), loadAverage: load, error: message });
    log(`${name}: FAILED: ${message}`);
    return false;
  }
}

/** A row that says a measurement could not be made, so the table never silently loses a target. */
function failedRow(name: string, unit: string, target: string | undefined, reason: string): BenchResult {
  return { name, value: Number.NaN, unit, target, note: `not measured: ${reason.split("\n")[0]!.slice(0, 300)}` };
}

async function runTask<T>(name: string, taskFile: string, env: Record<string, string>, timeoutMs: number): Promise<T> {
  const outputFile = path.join(WORK_DIR, `${name}.json`);
  rmSync(outputFile, { force: true });
  await runToCompletion(name, process.execPath, nodeTaskArgs(taskFile), {
    env: { ...sharedEnv(), ...env, [TASK_OUTPUT_ENV]: outputFile },
    logDir: LOG_DIR,
    timeoutMs,
  });
  return readTaskOutput<T>(outputFile);
}

function assertPortFree(port: number, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", () => reject(new Error(`port ${port} is in use: stop whatever listens there, or set ${variable}`)));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

// ---------------------------------------------------------------------------------------------------------
// Production build

const BUILD_INPUTS = ["app", "components", "lib", "proxy.ts", "instrumentation.ts", "next.config.mjs", "postcss.config.mjs", "package.json", "tsconfig.json"];

function newestSourceMtime(entry: string): number {
  const stats = statSync(entry, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (!stats.isDirectory()) return /\.test\.tsx?$/.test(entry) ? 0 : stats.mtimeMs;
  let newest = 0;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestSourceMtime(path.join(entry, child)));
  return newest;
}

function buildIsCurrent(): { current: boolean; reason: string } {
  const buildId = path.join(REPO_ROOT, DIST_DIR, "BUILD_ID");
  if (!existsSync(buildId)) return { current: false, reason: `no build in ${DIST_DIR}` };
  const builtAt = statSync(buildId).mtimeMs;
  const newest = Math.max(...BUILD_INPUTS.map((entry) => newestSourceMtime(path.join(REPO_ROOT, entry))));
  return newest > builtAt
    ? { current: false, reason: `sources changed since the build in ${DIST_DIR}` }
    : { current: true, reason: `${DIST_DIR} is newer than every source file` };
}

async function ensureProductionBuild(): Promise<string> {
  const state = buildIsCurrent();
  if (args.has("--skip-build") && existsSync(path.join(REPO_ROOT, DIST_DIR, "BUILD_ID"))) return `reused ${DIST_DIR} (--skip-build)`;
  if (state.current && !args.has("--rebuild")) return `reused: ${state.reason}`;
  log(`building Next.js into ${DIST_DIR} (${args.has("--rebuild") ? "--rebuild" : state.reason}); takes 1-3 minutes`);
  await runToCompletion("next-build", process.execPath, [path.join(REPO_ROOT, "node_modules/next/dist/bin/next"), "build"], {
    // The build renders nothing from the database; no DATABASE_URL, so it cannot touch the bench's.
    env: { ...sharedEnv(), DATABASE_URL: "", NEXT_DIST_DIR: DIST_DIR, NODE_ENV: "production" },
    logDir: LOG_DIR,
    timeoutMs: 8 * 60 * 1000,
  });
  return `built (${args.has("--rebuild") ? "--rebuild" : state.reason})`;
}

// ---------------------------------------------------------------------------------------------------------
// Processes: database, emulator, workers, web

type BenchDatabase = { process: StartedProcess; url: string; postmasterPid: number; memory: ReturnType<typeof sampleTreeRss>; admin: pg.Client };

async function startDatabase(): Promise<BenchDatabase> {
  const started = await startProcess("postgres", process.execPath, nodeTaskArgs("bench/tasks/bench-database.ts"), {
    env: { ...sharedEnv(), BENCH_DATABASE_DIR: DATABASE_DIR, BENCH_POSTGRES_PORT: String(POSTGRES_PORT), BENCH_DATABASE_KEEP: args.has("--keep-data") ? "1" : "" },
    logDir: LOG_DIR,
    readyPattern: /bench database ready \S+ postmaster \d+/,
    readyTimeoutMs: 60_000,
  });
  // The ready line has just been written to the log (startProcess resolves on the same output).
  let match: RegExpExecArray | null = null;
  for (let attempt = 0; attempt < 50 && !match; attempt++) {
    match = /bench database ready (\S+) postmaster (\d+)/.exec(readFileSync(started.logFile, "utf8"));
    if (!match) await sleep(20);
  }
  if (!match) throw new Error("the bench database did not say where it listens");
  const admin = new pg.Client({ connectionString: match[1]!, application_name: "channelkeys-bench" });
  admin.on("error", () => undefined);
  await admin.connect();
  const postmasterPid = Number(match[2]);
  return { process: started, url: match[1]!, postmasterPid, memory: sampleTreeRss(postmasterPid), admin };
}

function startEmulator(): Promise<StartedProcess> {
  return startProcess("emulator", process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "emulator/src/main.ts")], {
    env: {
      ...sharedEnv(),
      ...GROWTH_CHECK_QUOTAS,
      EBAY_EMULATOR_PORT: String(EMULATOR_PORT),
      EBAY_EMULATOR_HOST: "127.0.0.1",
      EBAY_EMULATOR_STATE_FILE: "",
      EBAY_EMULATOR_CONFIG: "",
      EBAY_EMULATOR_CLOCK_FILE: CLOCK_FILE,
      EBAY_EMULATOR_ACCEPT_URL: `${APP_ORIGIN}/api/ebay/callback`,
      EBAY_EMULATOR_DECLINE_URL: `${APP_ORIGIN}/api/ebay/callback`,
    },
    logDir: LOG_DIR,
    readyPattern: /listening on http/,
    readyTimeoutMs: 30_000,
  });
}

type Worker = { name: string; process: StartedProcess };

/**
 * A worker process exactly as `npm run worker` starts one (tsx --conditions=react-server scripts/worker.ts), without
 * the npm wrapper, with the query counter preloaded. Upkeep sweeps are off (UPKEEP_SWEEPS=none): the queue's cron
 * would otherwise start checks of its own in the middle of a measurement.
 */
function startWorker(name: string, profile: boolean): Promise<Worker> {
  // A folder per worker: tsx's module hooks run on a thread of their own, which writes a (nearly idle) profile too.
  const nodeFlags = profile ? ["--cpu-prof", `--cpu-prof-dir=${path.join(PROFILE_DIR, name)}`] : [];
  return startProcess(name, process.execPath, [...nodeFlags, "--conditions=react-server", "--require", QUERY_COUNTER_PRELOAD, "--import", "tsx", path.join(REPO_ROOT, "scripts/worker.ts")], {
    env: {
      ...sharedEnv(),
      CHECK_RUN_CONCURRENCY: String(WORKER_CONCURRENCY),
      UPKEEP_SWEEPS: "none",
      BENCH_QUERY_COUNT_DIR: QUERY_COUNT_DIR,
    },
    logDir: LOG_DIR,
    readyPattern: /ChannelKeys worker \(pid \d+\)/,
    readyTimeoutMs: 60_000,
  }).then((started) => ({ name, process: started }));
}

function startWeb(): Promise<StartedProcess> {
  return startProcess(
    "next-start",
    process.execPath,
    ["--require", QUERY_COUNTER_PRELOAD, path.join(REPO_ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(APP_PORT)],
    {
      env: {
        ...sharedEnv(),
        NODE_ENV: "production",
        NEXT_DIST_DIR: DIST_DIR,
        PORT: String(APP_PORT),
        NEXTAUTH_URL: APP_ORIGIN,
        // Pages only: the worker processes do the background work, as README's two-process setup says.
        CHANNELKEYS_BACKGROUND: "off",
        BENCH_QUERY_COUNT_DIR: QUERY_COUNT_DIR,
      },
      logDir: LOG_DIR,
      readyUrl: `${APP_ORIGIN}/api/auth/csrf`,
      readyTimeoutMs: 60_000,
    },
  );
}

// ---------------------------------------------------------------------------------------------------------
// Readings

type DatabaseActivity = { commits: number; rollbacks: number; rowsRead: number };

async function databaseActivity(admin: pg.Client): Promise<DatabaseActivity> {
  // Backends report their counters at most once a second (and when idle), so a reading lags by up to a second.
  await admin.query("SELECT pg_stat_clear_snapshot()");
  const { rows } = await admin.query<{ xact_commit: string; xact_rollback: string; tup_returned: string; tup_fetched: string }>(
    "SELECT xact_commit, xact_rollback, tup_returned, tup_fetched FROM pg_stat_database WHERE datname = current_database()",
  );
  const row = rows[0]!;
  return { commits: Number(row.xact_commit), rollbacks: Number(row.xact_rollback), rowsRead: Number(row.tup_returned) + Number(row.tup_fetched) };
}

async function waitForRunEnd(admin: pg.Client, runId: string, timeoutMs: number): Promise<{ status: string; finishedAt: Date; startedAt: Date | null }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await admin.query<{ status: string; finishedAt: Date | null; startedAt: Date | null; done: number }>(
      `SELECT "status", "finishedAt", "startedAt" FROM "CheckRun" WHERE "id" = $1`,
      [runId],
    );
    const run = rows[0];
    if (run?.finishedAt && !["queued", "running", "cancelling"].includes(run.status)) return { status: run.status, finishedAt: run.finishedAt, startedAt: run.startedAt };
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run?.status ?? "missing"} after ${timeoutMs / 1000}s`);
    await sleep(200);
  }
}

/** Each worker's CPU, its query counts, and the rest of the machine, at one moment. */
type Snapshot = {
  workerCpu: number[];
  workerQueries: QueryCounts[];
  postgresCpu: number;
  emulatorCpu: number;
  host: { busy: number; total: number };
  calls: EmulatorCalls;
  activity: DatabaseActivity;
};

async function snapshot(workers: Worker[], database: BenchDatabase, emulator: StartedProcess, control: EmulatorControl): Promise<Snapshot> {
  return {
    workerCpu: workers.map((worker) => cpuSecondsOf(worker.process.pid)),
    workerQueries: await Promise.all(workers.map((worker) => readQueryCounts(QUERY_COUNT_DIR, worker.process.pid))),
    postgresCpu: treeCpuSecondsOf(database.postmasterPid),
    emulatorCpu: cpuSecondsOf(emulator.pid),
    host: hostCpuSeconds(),
    calls: await control.calls(),
    activity: await databaseActivity(database.admin),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Fleet

/**
 * Ten batches connected while the shared clock moves forward, so that at the end the refresh tokens have these many
 * days left (some within 7, 30 and 90 days, most later), as in a fleet that grew over 18 months.
 */
function connectSchedule(): { batches: ConnectBatch[]; finalOffsetDays: number } {
  const daysLeftAtEnd = [3.5, 20, 45, 80, 120, 200, 300, 400, 480, REFRESH_TOKEN_DAYS];
  const batches = daysLeftAtEnd.map((daysLeft, index) => ({
    count: Math.floor(FLEET_ACCOUNTS / daysLeftAtEnd.length) + (index < FLEET_ACCOUNTS % daysLeftAtEnd.length ? 1 : 0),
    advanceSecondsBefore: index === 0 ? 0 : Math.round((daysLeft - daysLeftAtEnd[index - 1]!) * DAY_SECONDS),
  }));
  return { batches, finalOffsetDays: REFRESH_TOKEN_DAYS - daysLeftAtEnd[0]! };
}

function fleetEnv(fleet: ConnectFleetOutput): Record<string, string> {
  return { BENCH_WORKSPACE_ID: fleet.workspaceId, BENCH_USER_ID: fleet.userId, BENCH_USER_EMAIL: FLEET_USER.email };
}

// ---------------------------------------------------------------------------------------------------------
// Bulk check

const BULK_NAMES = {
  wall: `bulk check ${FLEET_ACCOUNTS} accounts: wall time`,
  ratio: "bulk check: wall time / ideal",
  calls: "bulk check: eBay calls per account",
  itemTime: "bulk check: mean time per account",
  refreshes: "bulk check: refreshes beyond those needed",
  cpu: "bulk check: CPU per account, all processes",
  workerCpu: (index: number) => `bulk check: worker ${index + 1} CPU per account`,
  postgresCpu: "bulk check: PostgreSQL CPU per account",
  operations: "bulk check: database round trips per account",
};

async function benchBulkCheck(workers: Worker[], database: BenchDatabase, emulator: StartedProcess, control: EmulatorControl, fleet: ConnectFleetOutput): Promise<void> {
  try {
    await control.clearFaults();
    await control.addFault({ pathPrefix: "/", latencyMs: EBAY_LATENCY_MS });
    const loadBefore = loadAverage();
    const before = await snapshot(workers, database, emulator, control);
    let started: StartCheckRunOutput;
    let ended: Awaited<ReturnType<typeof waitForRunEnd>>;
    try {
      started = await runTask<StartCheckRunOutput>("start-bulk-check", "bench/tasks/start-check-run.ts", fleetEnv(fleet), 120_000);
      log(`  run ${started.runId}: ${started.accounts} accounts (${started.needingRefresh} due for a refresh), created in ${started.createMs} ms`);
      ended = await waitForRunEnd(database.admin, started.runId, 8 * 60 * 1000);
    } finally {
      await control.clearFaults();
    }
    const after = await snapshot(workers, database, emulator, control);
    const loadAfter = loadAverage();

    const accounts = started.accounts;
    const wallMs = ended.finishedAt.getTime() - started.requestedAtMs;
    const delta = callsBetween(before.calls, after.calls);
    const slots = WORKER_PROCESSES * WORKER_CONCURRENCY;
    const idealMs = (delta.total * EBAY_LATENCY_MS) / slots;
    const refreshes = delta.byGrantType.refresh_token ?? 0;
    const mostRefreshesForOneSeller = Math.max(0, ...Object.values(delta.refreshesByUsername));
    const workerCpu = after.workerCpu.map((cpu, index) => cpu - before.workerCpu[index]!);
    const postgresCpu = after.postgresCpu - before.postgresCpu;
    const emulatorCpu = after.emulatorCpu - before.emulatorCpu;
    const hostBusy = after.host.busy - before.host.busy;
    const hostShare = hostBusy / Math.max(1e-9, after.host.total - before.host.total);
    const benchCpu = workerCpu.reduce((sum, cpu) => sum + cpu, 0) + postgresCpu + emulatorCpu;
    const queries = after.workerQueries.map((counts, index) => countsBetween(before.workerQueries[index]!, counts));
    const allQueries = queries.reduce(addCounts);
    const commits = after.activity.commits - before.activity.commits;
    const perAccountMs = (seconds: number) => round((seconds * 1000) / accounts, 2);
    const callMix = Object.entries(delta.byPath)
      .map(([callPath, count]) => `${callPath} ${count}`)
      .join(", ");
    const { rows: verdictRows } = await database.admin.query<{ key: string; count: string }>(
      `SELECT CASE WHEN "status" = 'done' THEN COALESCE("verdict", 'not checked') ELSE "status" END AS "key", count(*) FROM "CheckRunItem" WHERE "runId" = $1 GROUP BY 1`,
      [started.runId],
    );
    const { rows: refreshedRows } = await database.admin.query<{ refreshed: string; calls: string }>(
      `SELECT count(*) FILTER (WHERE "refreshed") AS "refreshed", COALESCE(sum("ebayCalls"), 0) AS "calls" FROM "TokenCheck" WHERE "runId" = $1`,
      [started.runId],
    );
    const { rows: itemTimes } = await database.admin.query<{ mean: number; p95: number; busy: number; firstClaim: Date }>(
      `SELECT avg(ms) AS "mean", percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS "p95", sum(ms) AS "busy", min("startedAt") AS "firstClaim"
         FROM (SELECT extract(epoch FROM "finishedAt" - "startedAt") * 1000 AS ms, "startedAt" FROM "CheckRunItem" WHERE "runId" = $1) AS items`,
      [started.runId],
    );
    const itemTime = itemTimes[0]!;
    const verdicts = verdictRows.map((row) => `${row.count} ${row.key}`).join(", ");
    results.push(
      {
        name: BULK_NAMES.wall,
        value: round(wallMs / 1000, 1),
        unit: "s",
        note: `run ${ended.status}: ${verdicts}; ${WORKER_PROCESSES} worker processes x concurrency ${WORKER_CONCURRENCY}, ${EBAY_LATENCY_MS} ms injected per eBay call; from createCheckRun (${started.createMs} ms for the run, its items and jobs) to the run's finishedAt; load average ${loadBefore} before, ${loadAfter} after`,
      },
      {
        name: BULK_NAMES.ratio,
        value: round(wallMs / idealMs, 2),
        unit: "x",
        target: BULK_RATIO_TARGET,
        note: `${round(wallMs / 1000, 1)} s / ideal ${round(idealMs / 1000, 1)} s = ${delta.total} calls x ${EBAY_LATENCY_MS} ms / ${slots}; all ${os.availableParallelism()} CPUs were ${Math.round(hostShare * 100)}% busy (every process on the machine, others' work included)`,
      },
      {
        name: BULK_NAMES.itemTime,
        value: round(Number(itemTime.mean)),
        unit: "ms",
        note: `claim to result, per account (p95 ${round(Number(itemTime.p95))} ms), of which ${round((delta.total / accounts) * EBAY_LATENCY_MS)} ms is eBay's injected latency on average; the ${slots} slots were busy ${Math.round((Number(itemTime.busy) / (slots * wallMs)) * 100)}% of the wall time; first account claimed ${round((itemTime.firstClaim.getTime() - started.requestedAtMs) / 1000, 1)} s after the click`,
      },
      {
        name: BULK_NAMES.calls,
        value: round(delta.total / accounts, 3),
        unit: "calls",
        note: `${delta.total} calls counted by the emulator (${callMix}); the run's checks recorded ${refreshedRows[0]!.calls} (quota reads are the run's, not a check's)`,
      },
      {
        name: BULK_NAMES.refreshes,
        value: refreshes - started.needingRefresh,
        unit: "refreshes",
        target: "= 0",
        note: `${refreshes} refresh grants at the emulator for ${started.needingRefresh} accounts whose access token was due; most for one seller ${mostRefreshesForOneSeller}; ${refreshedRows[0]!.refreshed} checks recorded a refresh`,
      },
      {
        name: BULK_NAMES.cpu,
        value: perAccountMs(benchCpu),
        unit: "ms",
        note: `${round(benchCpu, 1)} CPU-s over ${round(wallMs / 1000, 1)} s: workers ${workerCpu.map((cpu) => round(cpu, 1)).join(" + ")}, PostgreSQL ${round(postgresCpu, 1)}, emulator ${round(emulatorCpu, 1)}; the machine as a whole spent ${round(hostBusy, 1)} CPU-s (others' work included)`,
      },
      ...workerCpu.map((cpu, index) => ({
        name: BULK_NAMES.workerCpu(index),
        value: perAccountMs(cpu),
        unit: "ms",
        note: `${round(cpu, 1)} CPU-s; ${queries[index]!.queries} database round trips (${round(queries[index]!.queries / Math.max(1, accounts / WORKER_PROCESSES), 1)} per account it checked if shared evenly)`,
      })),
      {
        name: BULK_NAMES.postgresCpu,
        value: perAccountMs(postgresCpu),
        unit: "ms",
        note: `${round(postgresCpu, 1)} CPU-s, the postmaster and all its processes (backends, WAL writer, checkpointer…); ${commits} commits in the database (${round(commits / accounts, 1)} per account)`,
      },
      {
        name: BULK_NAMES.operations,
        value: round(allQueries.queries / accounts, 1),
        unit: "round trips",
        note: `counted inside both workers (node-postgres Client#query: Prisma, graphile-worker, advisory locks): per account ${describeKinds(allQueries, accounts)}; ${round(allQueries.rows / accounts, 1)} rows returned per account`,
      },
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    results.push(
      failedRow(BULK_NAMES.wall, "s", undefined, reason),
      failedRow(BULK_NAMES.ratio, "x", BULK_RATIO_TARGET, reason),
      failedRow(BULK_NAMES.refreshes, "refreshes", "= 0", reason),
    );
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Pages

type PageCase = { name: string; path: string; marker: string; note: string };

function pageRows(pageCase: PageCase, timing: PageTiming, load: string): BenchResult[] {
  const details = `${timing.samples.length} sequential requests after ${PAGE_WARMUP} warm-up, send -> last byte, ${Math.round(timing.bytes / 1024)} KiB HTML; ${pageCase.note}; load avg ${load}`;
  return [
    { name: `${pageCase.name}: median`, value: round(median(timing.samples)), unit: "ms", target: PAGE_MEDIAN_TARGET, note: details },
    { name: `${pageCase.name}: p95`, value: round(percentile(timing.samples, 0.95)), unit: "ms", target: PAGE_P95_TARGET, note: `max ${round(Math.max(...timing.samples))} ms` },
  ];
}

async function benchPages(session: PageSession, audit: SeedAuditOutput | null, mix: MixStatesOutput | null): Promise<void> {
  const states = mix ? Object.entries(mix.statusCounts).map(([status, count]) => `${count} ${status}`).join(", ") : "states not mixed";
  const cases: PageCase[] = [
    // The first of 50-row pages: the marker proves the table rendered, whichever sellers sort onto it.
    { name: `/accounts (${FLEET_ACCOUNTS} accounts)`, path: "/accounts", marker: "Page 1 of ", note: states },
    {
      name: `/timeline (${FLEET_ACCOUNTS} accounts)`,
      path: "/timeline",
      marker: "Expiry timeline",
      note: `refresh tokens issued over ~18 months on the shared clock (a tenth each with 3.5, 20, 45, 80, 120, 200, 300, 400, 480, 547.5 days left); ${states}`,
    },
  ];
  if (audit) {
    const history = `${audit.totalInWorkspace} events in the workspace`;
    cases.push(
      { name: `/audit (${Math.round(audit.totalInWorkspace / 1000)}k events), newest page`, path: "/audit", marker: "Showing 50 events", note: history },
      {
        name: "/audit filtered by action + outcome",
        path: "/audit?action=account_test&outcome=failure",
        marker: "Showing 50 events matching the filters",
        note: `account_test failures: ${audit.filterActionOutcomeEvents} of ${history}`,
      },
      {
        name: "/audit filtered by account",
        path: `/audit?account=${encodeURIComponent(audit.filterAccountId)}`,
        marker: "events matching the filters",
        note: `${audit.filterAccountEvents} events of that account; ${history}`,
      },
      {
        name: `/audit cursor ${audit.deepCursorPosition} events deep`,
        path: `/audit?cursor=${audit.deepCursor}`,
        marker: "Showing 50 events",
        note: `${history}`,
      },
    );
  } else {
    results.push(failedRow("/audit pages: median", "ms", PAGE_MEDIAN_TARGET, "audit history was not seeded"));
  }
  for (const pageCase of cases) {
    try {
      const timing = await timePage(session, pageCase.path, {
        warmup: PAGE_WARMUP,
        samples: PAGE_SAMPLES,
        marker: pageCase.marker,
        dumpFile: path.join(LOG_DIR, `unexpected-${pageCase.path.replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}.html`),
      });
      results.push(...pageRows(pageCase, timing, loadAverage()));
      log(`  ${pageCase.name}: median ${round(median(timing.samples))} ms, p95 ${round(percentile(timing.samples, 0.95))} ms`);
    } catch (error) {
      results.push(failedRow(`${pageCase.name}: median`, "ms", PAGE_MEDIAN_TARGET, error instanceof Error ? error.message : String(error)));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Run progress: event stream vs polling

async function benchRunProgress(session: PageSession, web: StartedProcess, database: BenchDatabase, control: EmulatorControl, fleet: ConnectFleetOutput): Promise<void> {
  await control.clearFaults();
  await control.addFault({ pathPrefix: "/", latencyMs: EBAY_LATENCY_MS });
  let runId: string | null = null;
  try {
    const started = await runTask<StartCheckRunOutput>("start-watched-run", "bench/tasks/start-check-run.ts", { ...fleetEnv(fleet), BENCH_RUN_FILTER_LABEL: "All accounts (watched)" }, 120_000);
    runId = started.runId;
    const arrangements: Array<{ kind: "none" | "stream" | "poll"; pages: number }> = [
      { kind: "none", pages: 0 },
      ...WATCHER_COUNTS.flatMap((pages) => [
        { kind: "stream" as const, pages },
        { kind: "poll" as const, pages },
      ]),
    ];
    const cookie = session.cookieHeader();
    let baseline: { webQueries: number; commits: number } | null = null;
    for (const arrangement of arrangements) {
      const watchers: RunWatcher[] = Array.from({ length: arrangement.pages }, () =>
        arrangement.kind === "stream" ? streamRun(APP_ORIGIN, cookie, started.runId) : pollRun(APP_ORIGIN, cookie, started.runId),
      );
      try {
        await sleep(WATCH_SETTLE_MS);
        const queriesBefore = await readQueryCounts(QUERY_COUNT_DIR, web.pid);
        const activityBefore = await databaseActivity(database.admin);
        const cpuBefore = cpuSecondsOf(web.pid);
        const statsBefore = watchers.map((watcher) => watcher.stats());
        const startedAt = performance.now();
        await sleep(WATCH_MEASURE_MS);
        const seconds = (performance.now() - startedAt) / 1000;
        const queries = countsBetween(queriesBefore, await readQueryCounts(QUERY_COUNT_DIR, web.pid));
        const activity = await databaseActivity(database.admin);
        const webCpu = cpuSecondsOf(web.pid) - cpuBefore;
        const statsAfter = watchers.map((watcher) => watcher.stats());
        const updates = statsAfter.reduce((sum, stats, index) => sum + stats.updates - statsBefore[index]!.updates, 0);
        const bytes = statsAfter.reduce((sum, stats, index) => sum + stats.bytes - statsBefore[index]!.bytes, 0);
        const failures = statsAfter.reduce((sum, stats) => sum + stats.failures, 0);
        const done = Math.max(0, ...statsAfter.map((stats) => stats.lastDone ?? 0));
        const commitsPerSecond = (activity.commits - activityBefore.commits) / seconds;
        const webQueriesPerSecond = queries.queries / seconds;
        if (arrangement.kind === "none") {
          baseline = { webQueries: webQueriesPerSecond, commits: commitsPerSecond };
          results.push({
            name: "run progress, no page open: web database round trips/s",
            value: round(webQueriesPerSecond, 1),
            unit: "queries/s",
            note: `the database as a whole committed ${round(commitsPerSecond)} transactions/s: the workers' bulk check over ${started.accounts} accounts, 150 ms per eBay call`,
          });
          continue;
        }
        const label = arrangement.kind === "stream" ? "event stream" : "polling every 1 s";
        results.push({
          name: `run progress, ${arrangement.pages} page${arrangement.pages === 1 ? "" : "s"}, ${label}: web database round trips/s`,
          value: round(webQueriesPerSecond, 1),
          unit: "queries/s",
          note: `counted inside the web process: ${describeKinds(queries, seconds, 5)} per second, ${Math.round(queries.rows / seconds)} rows/s read; web CPU ${round((webCpu / seconds) * 100)}% of a core; the database as a whole committed ${round(commitsPerSecond)} transactions/s (the workers' included; ${round(baseline?.commits ?? 0)}/s with no page open); pages got ${round(updates / seconds, 1)} updates/s${arrangement.kind === "poll" ? ` of the ${arrangement.pages}/s they asked for` : ""} (${Math.round(bytes / seconds / 1024)} KiB/s, ${failures} failed requests; run at ${done} of ${started.accounts})`,
        });
        log(`  ${arrangement.pages} x ${label}: web ${round(webQueriesPerSecond, 1)} queries/s, ${Math.round(queries.rows / seconds)} rows/s, web CPU ${round((webCpu / seconds) * 100)}%`);
      } finally {
        for (const watcher of watchers) watcher.stop();
      }
    }
  } finally {
    await control.clearFaults();
    if (runId) {
      await runTask("cancel-watched-run", "bench/tasks/cancel-check-run.ts", { ...fleetEnv(fleet), BENCH_RUN_ID: runId }, 60_000).catch(() => undefined);
      await waitForRunEnd(database.admin, runId, 60_000).catch(() => undefined);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------

function memoryRow(name: string, bytes: number, note: string): BenchResult {
  return { name, value: mebibytes(bytes), unit: "MiB", note };
}

async function main(): Promise<number> {
  stopAllProcessesOnSignals();
  const machine = describeMachine(REPO_ROOT);
  const deadline = setTimeout(() => {
    log(`hard deadline of ${HARD_DEADLINE_MS / 60_000} minutes reached: stopping everything`);
    void stopAllProcesses().finally(() => {
      writeResults(machine, judgeAll(results), "deadline");
      cleanUp();
      process.exit(2);
    });
  }, HARD_DEADLINE_MS);
  deadline.unref();

  const startedAt = performance.now();
  log(`machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, node ${machine.node}, load avg ${machine.loadAverageAtStart.join(" / ")}`);
  log(`fleet ${FLEET_ACCOUNTS} accounts (1 in ${OAUTH_EVERY} through completeOAuth), ${AUDIT_EVENTS} audit events`);

  let fleet: ConnectFleetOutput | null = null;
  let mix: MixStatesOutput | null = null;
  let audit: SeedAuditOutput | null = null;
  let buildNote = "not built (--bulk-only)";
  let buildOk = false;
  let database: BenchDatabase | null = null;
  let emulator: StartedProcess | null = null;
  let workers: Worker[] = [];
  let web: StartedProcess | null = null;
  const workerPeaks = new Map<string, number>();

  try {
    const prepared = await phase("prepare", async () => {
      await assertPortFree(APP_PORT, "BENCH_APP_PORT");
      await assertPortFree(EMULATOR_PORT, "BENCH_EMULATOR_PORT");
      await assertPortFree(POSTGRES_PORT, "BENCH_POSTGRES_PORT");
      rmSync(WORK_DIR, { recursive: true, force: true });
      rmSync(LOG_DIR, { recursive: true, force: true });
      mkdirSync(WORK_DIR, { recursive: true });
      mkdirSync(LOG_DIR, { recursive: true });
      if (args.has("--profile")) {
        rmSync(PROFILE_DIR, { recursive: true, force: true });
        mkdirSync(PROFILE_DIR, { recursive: true });
      }
    });
    if (!prepared) throw new Error("could not prepare the bench folders or ports");

    // Built before anything is timed, so compiling never competes with a measurement.
    if (!bulkOnly) {
      buildOk = await phase("production build", async () => {
        buildNote = await ensureProductionBuild();
      });
    }

    await phase("start PostgreSQL and the emulator", async () => {
      database = await startDatabase();
      databaseUrl = database.url;
      if (args.has("--keep-data")) {
        // What it takes to serve the kept database again (tokens are sealed with this run's key).
        writeFileSync(path.join(WORK_DIR, "bench-env.json"), JSON.stringify({ DATABASE_URL: databaseUrl, TOKEN_ENCRYPTION_KEYS: tokenKeys, NEXTAUTH_SECRET: nextAuthSecret }, null, 2), { mode: 0o600 });
      }
      await runToCompletion("db-migrate", process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "scripts/db-migrate.ts"), "deploy"], {
        env: sharedEnv(),
        logDir: LOG_DIR,
        timeoutMs: 120_000,
      });
      emulator = await startEmulator();
    });
    const db = database as BenchDatabase | null;
    const emulatorProcess = emulator as StartedProcess | null;
    if (!db || !emulatorProcess) throw new Error("PostgreSQL or the emulator did not start");
    const control = new EmulatorControl(EMULATOR_ORIGIN);

    const schedule = connectSchedule();
    await phase(`connect ${FLEET_ACCOUNTS} accounts over ${schedule.finalOffsetDays} virtual days`, async () => {
      fleet = await runTask<ConnectFleetOutput>(
        "connect-fleet",
        "bench/tasks/connect-fleet.ts",
        {
          BENCH_USER_NAME: FLEET_USER.name,
          BENCH_USER_EMAIL: FLEET_USER.email,
          BENCH_USER_PASSWORD: FLEET_USER.password,
          BENCH_SELLER_PREFIX: "bench_fleet",
          BENCH_CONNECT_SCHEDULE: JSON.stringify(schedule.batches),
          BENCH_OAUTH_EVERY: String(OAUTH_EVERY),
        },
        6 * 60 * 1000,
      );
      results.push({
        name: `seed: connect ${FLEET_ACCOUNTS} accounts`,
        value: round(fleet!.durationMs / 1000, 1),
        unit: "s",
        note: `setup, not a target: sign-up, ${FLEET_ACCOUNTS} emulated sellers, consent + code exchange + getUser per account; ${fleet!.throughOAuthCompletion} one at a time through completeOAuth, ${fleet!.writtenInBulk} with the same rows written in bulk; no injected latency`,
      });
    });
    const connectedFleet = fleet as ConnectFleetOutput | null;
    if (!connectedFleet) throw new Error(`the ${FLEET_ACCOUNTS}-account workspace could not be connected`);

    await phase(`start ${WORKER_PROCESSES} worker processes`, async () => {
      workers = await Promise.all(Array.from({ length: WORKER_PROCESSES }, (_, index) => startWorker(`worker-${index + 1}`, args.has("--profile") && index === 0)));
    });
    if (workers.length !== WORKER_PROCESSES) throw new Error("the worker processes did not start");

    await phase("bulk check", () => benchBulkCheck(workers, db, emulatorProcess, control, connectedFleet));
    for (const worker of workers) workerPeaks.set(worker.name, peakRssOf(worker.process.pid));
    if (args.has("--profile")) {
      // The profile is written when the process exits: worker 1 ends here so it covers start-up and the bulk check
      // only, and a fresh worker takes its place.
      await phase("profile: replace worker 1", async () => {
        await workers[0]!.process.stop();
        workers[0] = await startWorker("worker-1-after-profile", false);
        const folder = path.join(PROFILE_DIR, "worker-1");
        // The main thread's profile is the large one; the module-hook thread's is mostly idle.
        const written = readdirSync(folder).sort((a, b) => statSync(path.join(folder, b)).size - statSync(path.join(folder, a)).size);
        log(`  profile of worker 1 (start-up and the bulk check): ${written.map((file) => path.relative(REPO_ROOT, path.join(folder, file))).join(", ")}`);
      });
    }

    if (!bulkOnly) {
      await phase("mix account states", async () => {
        mix = await runTask<MixStatesOutput>("mix-account-states", "bench/tasks/mix-account-states.ts", fleetEnv(connectedFleet), 4 * 60 * 1000);
      });
      await phase(`seed ${AUDIT_EVENTS} audit events`, async () => {
        audit = await runTask<SeedAuditOutput>(
          "seed-audit-history",
          "bench/tasks/seed-audit-history.ts",
          { ...fleetEnv(connectedFleet), BENCH_AUDIT_EVENTS: String(AUDIT_EVENTS), BENCH_AUDIT_DEEP_CURSOR: String(DEEP_CURSOR_EVENTS) },
          5 * 60 * 1000,
        );
        results.push({
          name: `seed: ${AUDIT_EVENTS} audit events in bulk`,
          value: round(audit!.durationMs / 1000, 1),
          unit: "s",
          note: `setup, not a target: INSERT … SELECT FROM unnest, 10,000 rows a statement on 2 connections; table ${mebibytes(audit!.tableBytes)} MiB + indexes ${mebibytes(audit!.indexBytes)} MiB; then VACUUM (ANALYZE) and CHECKPOINT in ${round(audit!.settleMs / 1000, 1)} s (dead rows before: ${Object.entries(audit!.deadRowsBeforeSettling).map(([table, rows]) => `${table} ${rows}`).join(", ")})`,
        });
      });

      if (buildOk) {
        await phase("start next start and sign in", async () => {
          web = await startWeb();
        });
        const webProcess = web as StartedProcess | null;
        if (webProcess) {
          const webMemory = sampleTreeRss(webProcess.pid);
          const session = new PageSession(APP_ORIGIN);
          try {
            await session.signIn(FLEET_USER.email, FLEET_USER.password);
            await phase("page response times", () => benchPages(session, audit, mix));
            await phase("run progress: event stream vs polling", () => benchRunProgress(session, webProcess, db, control, connectedFleet));
          } catch (error) {
            results.push(failedRow("pages", "ms", PAGE_MEDIAN_TARGET, error instanceof Error ? error.message : String(error)));
          } finally {
            session.close();
            const peak = webMemory.stop();
            results.push(
              memoryRow("peak RSS: web process (next start)", Math.max(peak.rssBytes, peakRssOf(webProcess.pid)), `kernel high-water mark (VmHWM) of the next start process, through the page timings and 20 pages watching a ${FLEET_ACCOUNTS}-account run; background work off (the workers do it)`),
            );
          }
        }
      } else {
        results.push(failedRow("page response times: median", "ms", PAGE_MEDIAN_TARGET, `the production build failed (see ${path.relative(REPO_ROOT, LOG_DIR)}/next-build.log)`));
      }
    }

    for (const worker of workers) workerPeaks.set(worker.name, Math.max(workerPeaks.get(worker.name) ?? 0, peakRssOf(worker.process.pid)));
    for (const [name, bytes] of workerPeaks) {
      results.push(memoryRow(`peak RSS: ${name}`, bytes, `kernel high-water mark (VmHWM) of the worker process (scripts/worker.ts at concurrency ${WORKER_CONCURRENCY}), start-up and migration check included`));
    }
    const postgresPeak: TreeMemoryPeak = db.memory.stop();
    results.push(
      memoryRow(
        "peak RSS: PostgreSQL, postmaster + children",
        postgresPeak.rssBytes,
        `highest sum of RSS over the postmaster and its ${postgresPeak.processes - 1} children, sampled every 250 ms through the whole bench; shared buffers count once per process in that sum, so the same moment's proportional share (PSS) was ${mebibytes(postgresPeak.pssBytes)} MiB`,
      ),
    );
  } finally {
    // In dependency order: the web process and workers finish with the database still there, the database last.
    await (web as StartedProcess | null)?.stop();
    await Promise.all(workers.map((worker) => worker.process.stop()));
    await (emulator as StartedProcess | null)?.stop();
    await (database as BenchDatabase | null)?.admin.end().catch(() => undefined);
    await (database as BenchDatabase | null)?.process.stop();
    await stopAllProcesses();
  }

  await phase("emulator throughput", async () => {
    results.push(...(await benchEmulatorThroughput()));
  });
  return finish(machine, startedAt, buildNote);
}

/** Removes the bench's data (the database folder went with its server); --keep-data leaves it for a look. */
function cleanUp(): void {
  if (!args.has("--keep-data")) rmSync(WORK_DIR, { recursive: true, force: true });
}

function finish(machine: MachineInfo, startedAt: number, buildNote: string): number {
  const judged = judgeAll(results);
  const totalSeconds = round((performance.now() - startedAt) / 1000);
  console.log(
    `\nChannelKeys benchmarks (${machine.date.slice(0, 10)}, ${machine.nproc} CPUs ${machine.cpuModel}, ${machine.memoryGiB} GiB, node ${machine.node}, commit ${machine.gitCommit}); load average at start ${machine.loadAverageAtStart.join(" / ")}, at end ${loadAverage()}; build: ${buildNote}; total ${totalSeconds}s\n`,
  );
  console.log(formatTable(judged));
  const failedPhases = phaseLog.filter((entry) => entry.error);
  for (const entry of failedPhases) console.log(`\nphase "${entry.phase}" failed: ${entry.error}`);
  writeResults(machine, judged, failedPhases.length > 0 ? "errors" : "complete", { buildNote, totalSeconds, loadAverageAtEnd: loadAverage(), sizes: { accounts: FLEET_ACCOUNTS, auditEvents: AUDIT_EVENTS, oauthEvery: OAUTH_EVERY } });
  cleanUp();
  console.log(`\nwritten ${path.relative(REPO_ROOT, path.join(RESULTS_DIR, "latest.json"))}; logs in ${path.relative(REPO_ROOT, LOG_DIR)}/`);
  return failedPhases.length > 0 || judged.some((row) => row.verdict === "fail") ? 1 : 0;
}

function writeResults(machine: MachineInfo, judged: JudgedResult[], completion: string, extra: Record<string, unknown> = {}): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(
    path.join(RESULTS_DIR, "latest.json"),
    JSON.stringify(
      {
        completion,
        machine,
        ...extra,
        phases: phaseLog,
        results: judged.map((row) => ({ name: row.name, value: Number.isFinite(row.value) ? row.value : null, unit: row.unit, target: row.target ?? null, verdict: row.verdict, note: row.note ?? null })),
      },
      null,
      2,
    ),
  );
  // The same table in Markdown, for README.md's "Benchmarks" section.
  writeFileSync(path.join(RESULTS_DIR, "latest.md"), `${formatMarkdown(judged)}\n`);
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    await stopAllProcesses();
    cleanUp();
    process.exit(1);
  },
);
