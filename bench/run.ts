// `npm run bench`: every ChannelKeys benchmark in one command (issue 4, "Benchmarks"). Prints one table
// (name | value | unit | target | pass/fail | note) and writes bench/results/latest.json.
//
// What it does, in order (each step's processes are stopped before the command ends, even on failure):
//  1. a fresh SQLite database in .data/bench/, migrated; a production build in .next-bench/ when that build is
//     missing or older than the sources (`--rebuild` forces one, `--skip-build` reuses whatever is there);
//  2. the eBay emulator as its own process on port 4301, sharing a virtual clock file with the app;
//  3. a 500-account workspace connected in batches while the shared clock moves on (tokens issued over ~18
//     months, for the timeline), then a 1,000-account workspace, all through the product's OAuth completion;
//  4. the bulk check: 150 ms latency on every eBay call, one run over the 1,000 accounts at concurrency 16,
//     worked by the real run worker in its own process; eBay calls counted by the emulator;
//  5. mixed account states through the product (revocations found by a run, eBay 503s, disconnects), then
//     100,000 audit events over 18 months;
//  6. `next start` on port 3301: sign in through next-auth, then 50 timed requests per page after warm-up;
//  7. the emulator's own throughput (bench/emulator-throughput.ts).
// Also writes bench/results/latest.md (the table in Markdown) and each process's log to bench/results/logs/.
// Options: --rebuild, --skip-build, --bulk-only, --profile (V8 CPU profile of the bulk-check worker in bench/results/profiles/). Ports: BENCH_APP_PORT (3301), BENCH_EMULATOR_PORT (4301).
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { formatTokenKeys, generateTokenKey } from "@/lib/crypto/token-keys";
import { benchEmulatorThroughput } from "@/bench/emulator-throughput";
import { EmulatorControl, callsBetween } from "@/bench/support/emulator-control";
import { describeMachine, loadAverage, type MachineInfo } from "@/bench/support/machine";
import { PageSession, timePage, type PageTiming } from "@/bench/support/page-session";
import { cpuSecondsOf, hostCpuSeconds, mebibytes, sampleTreeRss } from "@/bench/support/process-usage";
import {
  REPO_ROOT,
  nodeTaskArgs,
  runToCompletion,
  startProcess,
  stopAllProcesses,
  stopAllProcessesOnSignals,
  type StartedProcess,
} from "@/bench/support/processes";
import { formatMarkdown, formatTable, judgeAll, type BenchResult, type JudgedResult } from "@/bench/support/results-table";
import { median, percentile, round } from "@/bench/support/statistics";
import { TASK_OUTPUT_ENV, readTaskOutput } from "@/bench/support/task-io";
import type { ConnectBatch, ConnectFleetOutput } from "@/bench/tasks/connect-fleet";
import type { BulkCheckOutput } from "@/bench/tasks/bulk-check";
import type { MixStatesOutput } from "@/bench/tasks/mix-account-states";
import type { SeedAuditOutput } from "@/bench/tasks/seed-audit-history";

const FLEET_ACCOUNTS = 1_000;
const TIMELINE_ACCOUNTS = 500;
const AUDIT_EVENTS = 100_000;
const EBAY_LATENCY_MS = 150;
const BULK_CONCURRENCY = 16;
const PAGE_WARMUP = 5;
const PAGE_SAMPLES = 50;
/** The whole command stops by itself after this, whatever state it is in. */
const HARD_DEADLINE_MS = 15 * 60 * 1000;
const DAY_SECONDS = 24 * 60 * 60;
const REFRESH_TOKEN_DAYS = 547.5;

const APP_PORT = Number(process.env.BENCH_APP_PORT ?? 3301);
const EMULATOR_PORT = Number(process.env.BENCH_EMULATOR_PORT ?? 4301);
const DIST_DIR = ".next-bench";
const WORK_DIR = path.join(REPO_ROOT, ".data", "bench");
const RESULTS_DIR = path.join(REPO_ROOT, "bench", "results");
const LOG_DIR = path.join(RESULTS_DIR, "logs");
const DATABASE_FILE = path.join(WORK_DIR, "bench.db");
const CLOCK_FILE = path.join(WORK_DIR, "clock.json");
const EMULATOR_ORIGIN = `http://localhost:${EMULATOR_PORT}`;
const APP_ORIGIN = `http://localhost:${APP_PORT}`;

const FLEET_USER = { name: "Bench Agency", email: "fleet@bench.channelkeys.test", password: "bench-fleet-password" };
const TIMELINE_USER = { name: "Bench Timeline", email: "timeline@bench.channelkeys.test", password: "bench-timeline-password" };

const args = new Set(process.argv.slice(2));
/** --bulk-only: just the bulk check (connect 1,000 accounts, one run), for iterating on the run worker. */
const bulkOnly = args.has("--bulk-only");
const results: BenchResult[] = [];
const phaseLog: Array<{ phase: string; seconds: number; error?: string }> = [];

function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** Environment every bench process shares: one database, one key ring, one emulator, one virtual clock. */
function sharedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // A real eBay keyset in the caller's environment must never be used by a benchmark.
  for (const name of ["EBAY_CLIENT_ID", "EBAY_CLIENT_SECRET", "EBAY_DEV_ID", "EBAY_RU_NAME", "EBAY_ENVIRONMENT", "SMTP_URL"]) delete env[name];
  return {
    ...env,
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: `file:${DATABASE_FILE}`,
    TOKEN_ENCRYPTION_KEYS: tokenKeys,
    NEXTAUTH_SECRET: nextAuthSecret,
    EBAY_EMULATOR_URL: EMULATOR_ORIGIN,
    CHANNELKEYS_SHARED_CLOCK_FILE: CLOCK_FILE,
    CHANNELKEYS_BACKGROUND: "off",
  };
}
const tokenKeys = formatTokenKeys([generateTokenKey("bench")]);
const nextAuthSecret = randomBytes(32).toString("base64url");

async function phase(name: string, work: () => Promise<void>): Promise<boolean> {
  const startedAt = performance.now();
  log(`${name}...`);
  try {
    await work();
    phaseLog.push({ phase: name, seconds: round((performance.now() - startedAt) / 1000) });
    log(`${name}: done in ${round((performance.now() - startedAt) / 1000)}s`);
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    phaseLog.push({ phase: name, seconds: round((performance.now() - startedAt) / 1000), error: message });
    log(`${name}: FAILED: ${message}`);
    return false;
  }
}

/** A row that says a measurement could not be made, so the table never silently loses a target. */
function failedRow(name: string, unit: string, target: string | undefined, reason: string): BenchResult {
  return { name, value: Number.NaN, unit, target, note: `not measured: ${reason.split("\n")[0]!.slice(0, 300)}` };
}

async function runTask<T>(name: string, taskFile: string, env: Record<string, string>, timeoutMs: number, nodeFlags: string[] = []): Promise<T> {
  const outputFile = path.join(WORK_DIR, `${name}.json`);
  rmSync(outputFile, { force: true });
  await runToCompletion(name, process.execPath, nodeTaskArgs(taskFile, nodeFlags), {
    env: { ...sharedEnv(), ...env, [TASK_OUTPUT_ENV]: outputFile },
    logDir: LOG_DIR,
    timeoutMs,
  });
  return readTaskOutput<T>(outputFile);
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", () => reject(new Error(`port ${port} is in use: stop whatever listens there, or set BENCH_APP_PORT / BENCH_EMULATOR_PORT`)));
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
    env: { ...sharedEnv(), NEXT_DIST_DIR: DIST_DIR, NODE_ENV: "production" },
    logDir: LOG_DIR,
    timeoutMs: 8 * 60 * 1000,
  });
  return `built (${args.has("--rebuild") ? "--rebuild" : state.reason})`;
}

// ---------------------------------------------------------------------------------------------------------
// Emulator

function startEmulator(): Promise<StartedProcess> {
  return startProcess("emulator", process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "emulator/src/main.ts")], {
    env: {
      ...sharedEnv(),
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

/**
 * Timeline fleet: ten batches of 50, connected while the shared clock moves forward, so that at the end the
 * refresh tokens have these many days left (some within 7, 30 and 90 days, most later).
 */
function timelineSchedule(): { batches: ConnectBatch[]; finalOffsetDays: number } {
  const daysLeftAtEnd = [3.5, 20, 45, 80, 120, 200, 300, 400, 480, REFRESH_TOKEN_DAYS];
  const perBatch = TIMELINE_ACCOUNTS / daysLeftAtEnd.length;
  const batches = daysLeftAtEnd.map((daysLeft, index) => ({
    count: perBatch,
    advanceSecondsBefore: index === 0 ? 0 : Math.round((daysLeft - daysLeftAtEnd[index - 1]!) * DAY_SECONDS),
  }));
  return { batches, finalOffsetDays: REFRESH_TOKEN_DAYS - daysLeftAtEnd[0]! };
}

// ---------------------------------------------------------------------------------------------------------
// Measurements

async function benchBulkCheck(emulator: EmulatorControl, emulatorPid: number, fleet: ConnectFleetOutput): Promise<void> {
  const names = {
    wall: `bulk check ${FLEET_ACCOUNTS} accounts: wall time`,
    ratio: "bulk check: wall time / ideal",
    cpu: "bulk check: worker CPU per account",
    calls: "bulk check: eBay calls per account",
    refreshes: "bulk check: refreshes beyond those needed",
    memory: "bulk check: peak RSS of the worker process",
  };
  try {
    await emulator.clearFaults();
    await emulator.addFault({ pathPrefix: "/", latencyMs: EBAY_LATENCY_MS });
    const before = await emulator.calls();
    const loadBefore = loadAverage();
    const emulatorCpuBefore = cpuSecondsOf(emulatorPid);
    const hostBefore = hostCpuSeconds();
    let output: BulkCheckOutput;
    try {
      output = await runTask<BulkCheckOutput>(
        "bulk-check",
        "bench/tasks/bulk-check.ts",
        {
          BENCH_WORKSPACE_ID: fleet.workspaceId,
          BENCH_USER_ID: fleet.userId,
          BENCH_USER_EMAIL: FLEET_USER.email,
          CHECK_RUN_CONCURRENCY: String(BULK_CONCURRENCY),
        },
        5 * 60 * 1000,
        // --profile: a V8 CPU profile of the worker process, to open in Chrome DevTools or speedscope.
        args.has("--profile") ? ["--cpu-prof", `--cpu-prof-dir=${path.join(RESULTS_DIR, "profiles")}`] : [],
      );
    } finally {
      await emulator.clearFaults();
    }
    const emulatorCpu = cpuSecondsOf(emulatorPid) - emulatorCpuBefore;
    const hostAfter = hostCpuSeconds();
    const hostBusyShare = (hostAfter.busy - hostBefore.busy) / Math.max(1e-9, hostAfter.total - hostBefore.total);
    const workerCpuSeconds = (output.cpuUserMs + output.cpuSystemMs) / 1000;
    const delta = callsBetween(before, await emulator.calls());
    const idealMs = (delta.total * EBAY_LATENCY_MS) / BULK_CONCURRENCY;
    const refreshes = delta.byGrantType.refresh_token ?? 0;
    const mostRefreshesForOneSeller = Math.max(0, ...Object.values(delta.refreshesByUsername));
    const verdicts = Object.entries(output.verdicts)
      .map(([verdict, count]) => `${count} ${verdict}`)
      .join(", ");
    const callMix = Object.entries(delta.byPath)
      .map(([callPath, count]) => `${callPath} ${count}`)
      .join(", ");
    results.push(
      {
        name: names.wall,
        value: round(output.wallMs / 1000, 2),
        unit: "s",
        note: `run ${output.status}: ${verdicts}; concurrency ${output.concurrency}, ${EBAY_LATENCY_MS} ms injected per eBay call; ideal ${round(idealMs / 1000, 2)} s = ${delta.total} calls x ${EBAY_LATENCY_MS} ms / ${BULK_CONCURRENCY}; run's own startedAt->finishedAt ${round(output.runMs / 1000, 2)} s; load avg before ${loadBefore}`,
      },
      {
        name: names.ratio,
        value: round(output.wallMs / idealMs, 2),
        unit: "x",
        target: "<= 1.5",
        note: `${round(output.wallMs / 1000, 2)} s / ${round(idealMs / 1000, 2)} s`,
      },
      {
        name: names.cpu,
        value: round((workerCpuSeconds * 1000) / output.accounts, 1),
        unit: "ms",
        note: `${output.databaseOperations} database operations (${round(output.databaseOperations / output.accounts, 1)} per account), a primary-key findUnique costs ${output.findUniqueCpuMs} ms CPU through Prisma; worker ${round(workerCpuSeconds, 1)} CPU-s, emulator ${round(emulatorCpu, 1)} CPU-s over ${round(output.wallMs / 1000, 1)} s; all ${os.availableParallelism()} CPUs of the machine were ${Math.round(hostBusyShare * 100)}% busy during the run (every process on the machine, other work included)`,
      },
      {
        name: names.calls,
        value: round(delta.total / output.accounts, 3),
        unit: "calls",
        note: `${delta.total} calls counted by the emulator (${callMix}); the product counted ${output.productCountedEbayCalls} on the run's items (Developer Analytics quota reads are the run's, not an item's)`,
      },
      {
        name: names.refreshes,
        value: refreshes - output.needingRefresh,
        unit: "refreshes",
        target: "= 0",
        note: `${refreshes} refresh grants at the emulator, ${output.needingRefresh} accounts had an access token due for refresh, most for one seller ${mostRefreshesForOneSeller}, ${output.itemsRefreshed} checks recorded a refresh`,
      },
      {
        name: names.memory,
        value: mebibytes(output.peakRssDuringRunBytes),
        unit: "MiB",
        note: `sampled every 50 ms during the run; ${mebibytes(output.rssBeforeBytes)} MiB before the run, kernel high-water mark (VmHWM, includes start-up) ${mebibytes(output.processPeakRssBytes)} MiB, peak JS heap ${mebibytes(output.heapUsedPeakBytes)} MiB; the worker is processCheckRunsOnce in its own Node process`,
      },
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    results.push(
      failedRow(names.wall, "s", undefined, reason),
      failedRow(names.ratio, "x", "<= 1.5", reason),
      failedRow(names.cpu, "ms", undefined, reason),
      failedRow(names.calls, "calls", undefined, reason),
      failedRow(names.refreshes, "refreshes", "= 0", reason),
      failedRow(names.memory, "MiB", undefined, reason),
    );
    throw error;
  }
}

type PageCase = { name: string; path: string; marker: string; note: string };

function pageRows(pageCase: PageCase, timing: PageTiming, load: string): BenchResult[] {
  const details = `${timing.samples.length} sequential requests after ${PAGE_WARMUP} warm-up, send -> last byte, ${Math.round(timing.bytes / 1024)} KiB HTML; ${pageCase.note}; load avg ${load}`;
  return [
    { name: `${pageCase.name}: median`, value: round(median(timing.samples)), unit: "ms", target: "< 150", note: details },
    { name: `${pageCase.name}: p95`, value: round(percentile(timing.samples, 0.95)), unit: "ms", note: `max ${round(Math.max(...timing.samples))} ms` },
  ];
}

async function benchPages(fleet: ConnectFleetOutput, timeline: ConnectFleetOutput | null, audit: SeedAuditOutput | null, mix: MixStatesOutput | null): Promise<void> {
  const states = mix ? Object.entries(mix.statusCounts).map(([status, count]) => `${count} ${status}`).join(", ") : "states not mixed";
  const fleetCases: PageCase[] = [
    // The first of 50-row pages: the marker proves the table rendered, whichever sellers sort onto it.
    { name: `/accounts (${FLEET_ACCOUNTS} accounts)`, path: "/accounts", marker: "Page 1 of ", note: states },
  ];
  if (audit) {
    const history = `${audit.totalInWorkspace} events in the workspace`;
    fleetCases.push(
      { name: `/audit (${Math.round(audit.totalInWorkspace / 1000)}k events), newest page`, path: "/audit", marker: "Showing 50 events", note: history },
      {
        name: "/audit filtered by action + outcome",
        path: "/audit?action=account_test&outcome=failure",
        marker: "Showing 50 events",
        note: `account_test failures: ${audit.filterActionOutcomeEvents} of ${history}`,
      },
      {
        name: "/audit filtered by account",
        path: `/audit?account=${encodeURIComponent(audit.filterAccountId)}`,
        marker: "Showing 50 events",
        note: `${audit.filterAccountEvents} events of that account; ${history}`,
      },
      {
        name: "/audit deep cursor page",
        path: `/audit?cursor=${audit.deepCursor}`,
        marker: "Showing 50 events",
        note: `cursor ${audit.deepCursorPosition} events down; ${history}`,
      },
    );
  } else {
    results.push(failedRow("/audit pages", "ms", "< 150", "audit history was not seeded"));
  }

  const server = await startProcess("next-start", process.execPath, [path.join(REPO_ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(APP_PORT)], {
    env: { ...sharedEnv(), NODE_ENV: "production", NEXT_DIST_DIR: DIST_DIR, PORT: String(APP_PORT), NEXTAUTH_URL: APP_ORIGIN },
    logDir: LOG_DIR,
    readyUrl: `${APP_ORIGIN}/api/auth/csrf`,
    readyTimeoutMs: 60_000,
  });
  const memory = sampleTreeRss(server.pid);
  try {
    const measure = async (user: typeof FLEET_USER, cases: PageCase[]) => {
      const session = new PageSession(APP_ORIGIN);
      try {
        await session.signIn(user.email, user.password);
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
            results.push(failedRow(`${pageCase.name}: median`, "ms", "< 150", error instanceof Error ? error.message : String(error)));
          }
        }
      } finally {
        session.close();
      }
    };
    await measure(FLEET_USER, fleetCases);
    if (timeline) {
      await measure(TIMELINE_USER, [
        {
          name: `/timeline (${TIMELINE_ACCOUNTS} accounts)`,
          path: "/timeline",
          marker: "Expiry timeline",
          note: "refresh tokens issued over ~18 months on the shared clock (50 each with 3.5, 20, 45, 80, 120, 200, 300, 400, 480, 547.5 days left)",
        },
      ]);
    } else {
      results.push(failedRow(`/timeline (${TIMELINE_ACCOUNTS} accounts): median`, "ms", "< 150", "timeline workspace was not seeded"));
    }
  } finally {
    const peak = memory.stop();
    results.push({ name: "next start: peak RSS during page requests", value: mebibytes(peak), unit: "MiB", note: "process tree of the production server, sampled every 200 ms; background work off (CHANNELKEYS_BACKGROUND=off)" });
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  stopAllProcessesOnSignals();
  const deadline = setTimeout(() => {
    log(`hard deadline of ${HARD_DEADLINE_MS / 60_000} minutes reached: stopping everything`);
    void stopAllProcesses().finally(() => {
      writeResults(describeMachine(REPO_ROOT), judgeAll(results), "deadline");
      process.exit(2);
    });
  }, HARD_DEADLINE_MS);
  deadline.unref();

  const startedAt = performance.now();
  const machine = describeMachine(REPO_ROOT);
  log(`machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, node ${machine.node}, load avg ${machine.loadAverageAtStart.join(" / ")}`);

  let fleet: ConnectFleetOutput | null = null;
  let timeline: ConnectFleetOutput | null = null;
  let mix: MixStatesOutput | null = null;
  let audit: SeedAuditOutput | null = null;
  let buildNote = "";
  let buildOk = false;
  let emulator: StartedProcess | null = null;

  try {
    const prepared = await phase("prepare", async () => {
      await assertPortFree(APP_PORT);
      await assertPortFree(EMULATOR_PORT);
      rmSync(WORK_DIR, { recursive: true, force: true });
      rmSync(LOG_DIR, { recursive: true, force: true });
      mkdirSync(WORK_DIR, { recursive: true });
      mkdirSync(LOG_DIR, { recursive: true });
      await runToCompletion("db-migrate", process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "scripts/db-migrate.ts"), "deploy"], {
        env: sharedEnv(),
        logDir: LOG_DIR,
        timeoutMs: 60_000,
      });
    });
    if (!prepared) throw new Error("could not prepare the bench database or ports");

    // Built before anything is timed, so compiling never competes with a measurement.
    if (!bulkOnly) {
      buildOk = await phase("production build", async () => {
        buildNote = await ensureProductionBuild();
      });
    }

    await phase("start emulator", async () => {
      emulator = await startEmulator();
    });
    if (!emulator) throw new Error("the emulator did not start");
    const control = new EmulatorControl(EMULATOR_ORIGIN);

    const schedule = timelineSchedule();
    if (!bulkOnly) await phase(`connect ${TIMELINE_ACCOUNTS} timeline accounts over ${schedule.finalOffsetDays} virtual days`, async () => {
      timeline = await runTask<ConnectFleetOutput>(
        "connect-timeline-fleet",
        "bench/tasks/connect-fleet.ts",
        {
          BENCH_USER_NAME: TIMELINE_USER.name,
          BENCH_USER_EMAIL: TIMELINE_USER.email,
          BENCH_USER_PASSWORD: TIMELINE_USER.password,
          BENCH_SELLER_PREFIX: "bench_tl",
          BENCH_CONNECT_SCHEDULE: JSON.stringify(schedule.batches),
        },
        3 * 60 * 1000,
      );
    });

    await phase(`connect ${FLEET_ACCOUNTS} accounts`, async () => {
      fleet = await runTask<ConnectFleetOutput>(
        "connect-fleet",
        "bench/tasks/connect-fleet.ts",
        {
          BENCH_USER_NAME: FLEET_USER.name,
          BENCH_USER_EMAIL: FLEET_USER.email,
          BENCH_USER_PASSWORD: FLEET_USER.password,
          BENCH_SELLER_PREFIX: "bench_fleet",
          BENCH_CONNECT_SCHEDULE: JSON.stringify([{ count: FLEET_ACCOUNTS, advanceSecondsBefore: 0 }]),
        },
        4 * 60 * 1000,
      );
      results.push({
        name: `seed: connect ${FLEET_ACCOUNTS} accounts through the OAuth completion`,
        value: round(fleet!.durationMs / 1000, 1),
        unit: "s",
        note: "setup, not a target: sign-up, 1,000 emulated sellers, consent + code exchange + getUser per account, 8 at a time, no injected latency",
      });
    });

    const connectedFleet = fleet as ConnectFleetOutput | null;
    if (connectedFleet) {
      await phase("bulk check", () => benchBulkCheck(control, (emulator as StartedProcess | null)!.pid, connectedFleet));
      if (bulkOnly) return finish(machine, startedAt, "bulk check only (--bulk-only)");
      await phase("mix account states", async () => {
        mix = await runTask<MixStatesOutput>(
          "mix-account-states",
          "bench/tasks/mix-account-states.ts",
          {
            BENCH_WORKSPACE_ID: connectedFleet.workspaceId,
            BENCH_USER_ID: connectedFleet.userId,
            BENCH_USER_EMAIL: FLEET_USER.email,
            CHECK_RUN_MAX_ATTEMPTS: "1",
          },
          3 * 60 * 1000,
        );
      });
      await phase(`seed ${AUDIT_EVENTS} audit events`, async () => {
        audit = await runTask<SeedAuditOutput>(
          "seed-audit-history",
          "bench/tasks/seed-audit-history.ts",
          {
            BENCH_WORKSPACE_ID: connectedFleet.workspaceId,
            BENCH_USER_ID: connectedFleet.userId,
            BENCH_USER_EMAIL: FLEET_USER.email,
            BENCH_AUDIT_EVENTS: String(AUDIT_EVENTS),
          },
          4 * 60 * 1000,
        );
        results.push({
          name: `seed: ${AUDIT_EVENTS} audit events (createMany, 5,000 a batch)`,
          value: round(audit!.durationMs / 1000, 1),
          unit: "s",
          note: "setup, not a target",
        });
      });
      if (buildOk) {
        await phase("page response times", () => benchPages(connectedFleet, timeline, audit, mix));
      } else {
        results.push(failedRow("page response times", "ms", "< 150", `the production build failed (see ${path.relative(REPO_ROOT, LOG_DIR)}/next-build.log)`));
      }
    } else {
      results.push(failedRow("bulk check and pages", "-", undefined, "the 1,000-account workspace could not be connected"));
    }
  } finally {
    await (emulator as StartedProcess | null)?.stop();
  }

  await phase("emulator throughput", async () => {
    results.push(...(await benchEmulatorThroughput()));
  });
  return finish(machine, startedAt, buildNote || "failed");
}

async function finish(machine: MachineInfo, startedAt: number, buildNote: string): Promise<number> {
  await stopAllProcesses();
  const judged = judgeAll(results);
  const totalSeconds = round((performance.now() - startedAt) / 1000);
  console.log(`\nChannelKeys benchmarks (${machine.date.slice(0, 10)}, ${machine.nproc} CPUs ${machine.cpuModel}, ${machine.memoryGiB} GiB, node ${machine.node}, commit ${machine.gitCommit}); build: ${buildNote}; total ${totalSeconds}s\n`);
  console.log(formatTable(judged));
  const failedPhases = phaseLog.filter((entry) => entry.error);
  for (const entry of failedPhases) console.log(`\nphase "${entry.phase}" failed: ${entry.error}`);
  writeResults(machine, judged, failedPhases.length > 0 ? "errors" : "complete", { buildNote, totalSeconds });
  console.log(`\nwritten ${path.relative(REPO_ROOT, path.join(RESULTS_DIR, "latest.json"))}; logs in ${path.relative(REPO_ROOT, LOG_DIR)}/`);
  return failedPhases.length > 0 ? 1 : 0;
}

function writeResults(machine: MachineInfo, judged: JudgedResult[], completion: string, extra: Record<string, unknown> = {}): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(
    path.join(RESULTS_DIR, "latest.json"),
    JSON.stringify({ completion, machine, ...extra, phases: phaseLog, results: judged.map((row) => ({ ...row, value: Number.isFinite(row.value) ? row.value : null })) }, null, 2),
  );
  // The same table in Markdown, for README.md's "Benchmarks" section.
  writeFileSync(path.join(RESULTS_DIR, "latest.md"), `${formatMarkdown(judged)}\n`);
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    await stopAllProcesses();
    process.exit(1);
  },
);
