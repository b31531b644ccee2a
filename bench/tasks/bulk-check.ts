// Bench task: one bulk check run over every connected account of a workspace, created through createCheckRun
// (as the "Check all" action does) and worked by the real run worker (the job queue), in this process
// alone, so its memory is the worker's. Concurrency comes from CHECK_RUN_CONCURRENCY like in a server.
// Inputs (env): DATABASE_URL, EBAY_EMULATOR_URL, CHECK_RUN_*, BENCH_WORKSPACE_ID, BENCH_USER_ID, BENCH_USER_EMAIL.
import { createDbClient, databaseUrlFromEnv, type Db } from "@/lib/db";
import { createCheckRun } from "@/lib/checks/check-runs";
import { workRunsToTheEnd } from "@/bench/support/work-runs";
import { checkRunSettingsFromEnv } from "@/lib/checks/check-run-settings";
import { now } from "@/lib/clock";
import { ACCESS_TOKEN_REFRESH_MARGIN_MS } from "@/lib/tokens/check-token";
import { peakRssOfSelf } from "@/bench/support/process-usage";
import { requiredEnv, runTask, writeTaskOutput } from "@/bench/support/task-io";

export type BulkCheckOutput = {
  runId: string;
  accounts: number;
  /** Accounts whose stored access token was within the refresh margin when the run started: the refreshes a run needs. */
  needingRefresh: number;
  concurrency: number;
  status: string;
  /** createCheckRun called -> processCheckRunsOnce returned: what the seller waits for. */
  wallMs: number;
  /** The run's own startedAt -> finishedAt. */
  runMs: number;
  verdicts: Record<string, number>;
  itemsRefreshed: number;
  productCountedEbayCalls: number;
  rssBeforeBytes: number;
  peakRssDuringRunBytes: number;
  processPeakRssBytes: number;
  heapUsedPeakBytes: number;
  /** CPU this process spent between createCheckRun and the end of the run. */
  cpuUserMs: number;
  cpuSystemMs: number;
  /** Database operations (Prisma model queries and raw statements) the run made, createCheckRun included. */
  databaseOperations: number;
  /** CPU per primary-key findUnique through the same client, measured after the run: Prisma's floor per query. */
  findUniqueCpuMs: number;
};

/**
 * The product's client with a counter around every operation. Counting is a few microseconds next to a
 * query's cost, and the worker gets exactly the client it would get anyway, only wrapped.
 */
function countingClient(base: Db): { client: Db; count: () => number } {
  let operations = 0;
  const client = base.$extends({
    query: {
      async $allOperations({ args, query }) {
        operations++;
        return query(args);
      },
    },
  }) as unknown as Db;
  return { client, count: () => operations };
}

async function main(): Promise<void> {
  const base = createDbClient(databaseUrlFromEnv());
  const counted = countingClient(base);
  const db = counted.client;
  const workspaceId = requiredEnv("BENCH_WORKSPACE_ID");
  const accountIds = (
    await db.ebayAccount.findMany({
      where: { workspaceId, status: { not: "disconnected" } },
      select: { id: true },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    })
  ).map((account) => account.id);

  const needingRefresh = await db.ebayAccount.count({
    where: {
      workspaceId,
      status: { not: "disconnected" },
      OR: [{ accessTokenExpiresAt: null }, { accessTokenExpiresAt: { lte: new Date(now().getTime() + ACCESS_TOKEN_REFRESH_MARGIN_MS) } }],
    },
  });

  // Warm the connection and the modules the worker touches, so the timing is the run's, not start-up's.
  await db.checkRun.count();
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  }, 50);

  const cpuBefore = process.cpuUsage();
  const operationsBefore = counted.count();
  const startedAt = performance.now();
  const { runId } = await createCheckRun(db, {
    workspaceId,
    actor: { userId: requiredEnv("BENCH_USER_ID"), label: requiredEnv("BENCH_USER_EMAIL") },
    accountIds,
    trigger: "manual",
    filterLabel: "All accounts",
  });
  await workRunsToTheEnd(db, [runId], { concurrency: Number(process.env.CHECK_RUN_CONCURRENCY ?? 16) });
  const wallMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  const databaseOperations = counted.count() - operationsBefore;
  clearInterval(sampler);

  const run = await db.checkRun.findUniqueOrThrow({ where: { id: runId } });
  const items = await db.checkRunItem.findMany({ where: { runId }, select: { verdict: true, ebayCalls: true, status: true } });
  const checks = await db.tokenCheck.findMany({ where: { runId }, select: { refreshed: true } });
  const verdicts: Record<string, number> = {};
  for (const item of items) {
    const key = item.status === "done" ? (item.verdict ?? "error") : item.status;
    verdicts[key] = (verdicts[key] ?? 0) + 1;
  }

  const probeRounds = 2_000;
  const probeCpuBefore = process.cpuUsage();
  for (let round = 0; round < probeRounds; round++) await base.checkRun.findUnique({ where: { id: runId } });
  const probeCpu = process.cpuUsage(probeCpuBefore);

  const output: BulkCheckOutput = {
    runId,
    accounts: accountIds.length,
    needingRefresh,
    concurrency: Number(process.env.CHECK_RUN_CONCURRENCY ?? 16),
    status: run.status,
    wallMs: Math.round(wallMs),
    runMs: run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : -1,
    verdicts,
    itemsRefreshed: checks.filter((check) => check.refreshed).length,
    productCountedEbayCalls: items.reduce((sum, item) => sum + item.ebayCalls, 0),
    rssBeforeBytes: rssBefore,
    peakRssDuringRunBytes: peakRss,
    processPeakRssBytes: peakRssOfSelf(),
    heapUsedPeakBytes: peakHeap,
    cpuUserMs: Math.round(cpu.user / 1000),
    cpuSystemMs: Math.round(cpu.system / 1000),
    databaseOperations,
    findUniqueCpuMs: Math.round(((probeCpu.user + probeCpu.system) / 1000 / probeRounds) * 1000) / 1000,
  };
  writeTaskOutput(output);
  await base.$disconnect();
}

runTask(main);
