// Bulk check runs against a real PostgreSQL database, the real job queue and the real emulator over HTTP: verdicts
// and summary over mixed states, bounded retries that never mark a token bad, a worker process killed in the middle,
// two runs at once, single-flight refresh across processes, app-wide rate-limit pauses, and cancel.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { GET_USER_PATH, startEmulator, TOKEN_PATH, type EmulatorHarness } from "@/test/support/emulator-harness";
import type { Db } from "@/lib/db";
import { testAccount } from "@/lib/accounts/test-account";
import { closeAdvisoryLockPools } from "@/lib/advisory-lock";
import { createCheckRun, loadCheckRunView, requestCheckRunCancel } from "@/lib/checks/check-runs";
import type { JobRunner } from "@/lib/jobs/job-runner";
import { connectTestAccount, createTestWorkspace, useFastCheckRuns, type TestWorkspace } from "@/test/support/connected-accounts";
import { startTestJobRunner, waitFor, waitForRunToEnd } from "@/test/support/job-runner";

let emulator: EmulatorHarness;
let database: TestDatabase;
let db: Db;
const runners: JobRunner[] = [];

async function runner(options: { concurrency?: number } = {}): Promise<JobRunner> {
  const started = await startTestJobRunner(database, options);
  runners.push(started);
  return started;
}

beforeAll(async () => {
  emulator = await startEmulator();
  database = await createTestDatabase();
  db = database.db;
});
afterAll(async () => {
  await emulator?.close();
  await closeAdvisoryLockPools();
  await database?.cleanup();
});
beforeEach(async () => {
  useFastCheckRuns();
  await emulator.clearFaults();
  await db.ebayCallPause.deleteMany();
});
afterEach(async () => {
  await Promise.all(runners.splice(0).map((started) => started.stop()));
});

type Calls = { byPath: Record<string, number>; refreshesByUsername: Record<string, number> };
async function emulatorCalls(): Promise<Calls> {
  return (await fetch(`${emulator.origin}/__emulator/calls`)).json() as Promise<Calls>;
}
async function identityCalls(): Promise<number> {
  const { byPath } = await emulatorCalls();
  return Object.entries(byPath)
    .filter(([route]) => route.startsWith(GET_USER_PATH))
    .reduce((sum, [, count]) => sum + count, 0);
}

async function connectSellers(workspace: TestWorkspace, prefix: string, count: number) {
  const sellers = [];
  for (let index = 0; index < count; index++) {
    const seller = await emulator.createSeller(prefix);
    const accountId = await connectTestAccount(db, workspace, (username, options) => emulator.consent(username, options), seller.username);
    sellers.push({ ...seller, accountId });
  }
  return sellers;
}

describe("a run over accounts in mixed states", () => {
  it("reaches the right verdicts and summary, retries transient failures and never marks those tokens bad", async () => {
    const workspace = await createTestWorkspace(db);
    const [healthy, revoked, failing, limited] = await connectSellers(workspace, "mixed", 4);
    await emulator.revoke(revoked!.username, "REVOKED_BY_USER");
    // Identity answers two 500s and then a 429 with Retry-After: 1, then recovers. Which account meets which
    // failure depends on scheduling; what must hold does not.
    await emulator.fault({ pathPrefix: GET_USER_PATH, status: 500, count: 2 });
    await emulator.fault({ pathPrefix: GET_USER_PATH, status: 429, retryAfterSeconds: 1, count: 1 });
    const accountIds = [healthy!, failing!, limited!, revoked!].map((seller) => seller.accountId);

    const { runId } = await createCheckRun(db, { workspaceId: workspace.workspaceId, actor: workspace.actor, accountIds, trigger: "manual", filterLabel: "All accounts" });
    const queued = await loadCheckRunView(db, workspace.workspaceId, runId);
    expect(queued).toMatchObject({ status: "queued", total: 4, done: 0 });

    // Four attempts, so even one account meeting all three failures in a row still gets its answer.
    useFastCheckRuns({ CHECK_RUN_MAX_ATTEMPTS: "4" });
    await runner({ concurrency: 1 });
    await waitForRunToEnd(db, runId);

    const view = await loadCheckRunView(db, workspace.workspaceId, runId);
    expect(view).toMatchObject({ status: "completed", total: 4, done: 4 });
    expect(view!.summary).toMatchObject({
      healthy: 3,
      needsReauth: 1,
      needsReauthByCause: { revoked_by_user: 1 },
      ebayUnavailable: 0,
      cancelled: 0,
    });
    const byAccount = new Map(view!.items.map((item) => [item.accountId, item]));
    expect(byAccount.get(revoked!.accountId)).toMatchObject({ status: "done", verdict: "needs_reauth", cause: "revoked_by_user" });
    for (const seller of [healthy!, failing!, limited!]) {
      expect(byAccount.get(seller.accountId)).toMatchObject({ status: "done", verdict: "healthy" });
      const row = await db.ebayAccount.findUniqueOrThrow({ where: { id: seller.accountId } });
      expect(row).toMatchObject({ status: "healthy", verdictStatus: "healthy" });
    }

    // Every check is in the history with the run's id, transient ones included, plus the run's own entries.
    const checks = await db.tokenCheck.findMany({ where: { runId }, orderBy: { createdAt: "asc" } });
    expect(checks.filter((check) => check.verdict === "ebay_unavailable").map((check) => check.cause).sort()).toEqual([
      "rate_limited",
      "server_error",
      "server_error",
    ]);
    expect(view!.items.reduce((sum, item) => sum + item.attempts, 0)).toBe(7);
    expect(await db.auditEvent.count({ where: { runId, action: "account_test" } })).toBe(7);
    const runEvents = await db.auditEvent.findMany({ where: { runId, action: { in: ["check_run_start", "check_run_finish"] } } });
    expect(runEvents.map((event) => event.action).sort()).toEqual(["check_run_finish", "check_run_start"]);

    // The 429's Retry-After was honoured: no account was asked again within that second (every eBay job paused).
    const rateLimited = checks.find((check) => check.cause === "rate_limited")!;
    const next = checks.find((check) => check.createdAt.getTime() > rateLimited.createdAt.getTime());
    expect(next!.createdAt.getTime() - rateLimited.createdAt.getTime()).toBeGreaterThanOrEqual(1000);
  });

  it("stops retrying after a bounded number of attempts and keeps the last verdict", async () => {
    const workspace = await createTestWorkspace(db);
    const [seller] = await connectSellers(workspace, "down", 1);
    await emulator.fault({ pathPrefix: GET_USER_PATH, status: 503 });
    const { runId } = await createCheckRun(db, { workspaceId: workspace.workspaceId, actor: workspace.actor, accountIds: [seller!.accountId], trigger: "manual" });
    await runner();
    await waitForRunToEnd(db, runId);

    const view = await loadCheckRunView(db, workspace.workspaceId, runId);
    expect(view!.items[0]).toMatchObject({ status: "done", verdict: "ebay_unavailable", cause: "server_error", attempts: 3 });
    expect(view!.summary).toMatchObject({ ebayUnavailable: 1, unavailableByCause: { server_error: 1 }, healthy: 0, needsReauth: 0 });
    const row = await db.ebayAccount.findUniqueOrThrow({ where: { id: seller!.accountId } });
    expect(row).toMatchObject({ status: "ebay_unavailable", verdictStatus: "healthy" });
  });

  it("refuses accounts of another workspace and disconnected ones", async () => {
    const workspace = await createTestWorkspace(db);
    const other = await createTestWorkspace(db);
    const [seller] = await connectSellers(other, "foreign", 1);
    await expect(
      createCheckRun(db, { workspaceId: workspace.workspaceId, actor: workspace.actor, accountIds: [seller!.accountId], trigger: "manual" }),
    ).rejects.toThrow(/not in this workspace/);
    await db.ebayAccount.update({ where: { id: seller!.accountId }, data: { status: "disconnected" } });
    await expect(
      createCheckRun(db, { workspaceId: other.workspaceId, actor: other.actor, accountIds: [seller!.accountId], trigger: "manual" }),
    ).rejects.toThrow(/disconnected/);
    expect(await db.checkRun.count({ where: { workspaceId: { in: [workspace.workspaceId, other.workspaceId] } } })).toBe(0);
  });
});

describe("a worker process killed in the middle of a run", () => {
  it("has its jobs handed to another worker: every account accounted for, checked once", async () => {
    const workspace = await createTestWorkspace(db);
    const sellers = await connectSellers(workspace, "restart", 6);
    await emulator.fault({ pathPrefix: GET_USER_PATH, latencyMs: 300 });
    const identityBefore = await identityCalls();
    const doomed = startJobRunnerProcess({ concurrency: 2 });
    await doomed.ready;
    const { runId } = await createCheckRun(db, {
      workspaceId: workspace.workspaceId,
      actor: workspace.actor,
      accountIds: sellers.map((seller) => seller.accountId),
      trigger: "manual",
    });
    await waitFor(async () => (await db.checkRunItem.count({ where: { runId, status: "done" } })) >= 2);
    doomed.child.kill("SIGKILL");
    const afterCrash = await db.checkRunItem.groupBy({ by: ["status"], where: { runId }, _count: true });
    expect(afterCrash.find((group) => group.status === "done")?._count ?? 0).toBeLessThan(6);

    // Another worker takes over: the dead worker's locked jobs go back to the queue once its liveness lock is gone.
    await runner({ concurrency: 2 });
    await waitForRunToEnd(db, runId);

    const view = await loadCheckRunView(db, workspace.workspaceId, runId);
    expect(view).toMatchObject({ status: "completed", total: 6, done: 6 });
    expect(view!.summary).toMatchObject({ healthy: 6, cancelled: 0, pending: 0, running: 0 });
    // One recorded check and one history line per account: what the dead worker finished was reused.
    const checks = await db.tokenCheck.groupBy({ by: ["accountId"], where: { runId }, _count: true });
    expect(checks).toHaveLength(6);
    expect(checks.every((group) => group._count === 1)).toBe(true);
    const lines = await db.auditEvent.groupBy({ by: ["accountId"], where: { runId, action: "account_test" }, _count: true });
    expect(lines).toHaveLength(6);
    expect(lines.every((group) => group._count === 1)).toBe(true);
    // eBay saw the ideal plus at most the dead worker's checks in flight (its concurrency).
    expect((await identityCalls()) - identityBefore).toBeLessThanOrEqual(6 + 2);
  });
});

describe("two runs over the same accounts at once", () => {
  it("do not double the eBay calls", async () => {
    const workspace = await createTestWorkspace(db);
    const sellers = await connectSellers(workspace, "twice", 4);
    const accountIds = sellers.map((seller) => seller.accountId);
    const first = await createCheckRun(db, { workspaceId: workspace.workspaceId, actor: workspace.actor, accountIds, trigger: "manual" });
    const second = await createCheckRun(db, { workspaceId: workspace.workspaceId, actor: workspace.actor, accountIds, trigger: "scheduler" });
    await emulator.fault({ pathPrefix: GET_USER_PATH, latencyMs: 150 });
    const identityBefore = await identityCalls();

    // Two job runners, as two server processes would run them, sharing the queue.
    await Promise.all([runner(), runner()]);
    await Promise.all([waitForRunToEnd(db, first.runId), waitForRunToEnd(db, second.runId)]);

    for (const runId of [first.runId, second.runId]) {
      const view = await loadCheckRunView(db, workspace.workspaceId, runId);
      expect(view).toMatchObject({ status: "completed", done: 4 });
      expect(view!.summary.healthy).toBe(4);
    }
    expect((await identityCalls()) - identityBefore).toBe(4);
  });
});

describe("single-flight refresh", () => {
  it("refreshes an expired access token once when a run and a manual Test race in one process", async () => {
    const workspace = await createTestWorkspace(db);
    const [seller] = await connectSellers(workspace, "flight", 1);
    await db.ebayAccount.update({ where: { id: seller!.accountId }, data: { accessTokenExpiresAt: new Date(0) } });
    await emulator.fault({ pathPrefix: TOKEN_PATH, latencyMs: 200 });
    const before = (await emulatorCalls()).refreshesByUsername[seller!.username] ?? 0;

    const { runId } = await createCheckRun(db, { workspaceId: workspace.workspaceId, actor: workspace.actor, accountIds: [seller!.accountId], trigger: "manual" });
    await runner();
    const manual = await testAccount(db, { workspaceId: workspace.workspaceId, accountId: seller!.accountId, actor: workspace.actor, trigger: "manual" });
    await waitForRunToEnd(db, runId);
    expect(manual.status).toBe("healthy");
    expect(((await emulatorCalls()).refreshesByUsername[seller!.username] ?? 0) - before).toBe(1);
  });

  it("refreshes once when the manual Test runs in another process (the advisory lock)", async () => {
    const workspace = await createTestWorkspace(db);
    const [seller] = await connectSellers(workspace, "xproc", 1);
    await db.ebayAccount.update({ where: { id: seller!.accountId }, data: { accessTokenExpiresAt: new Date(0) } });
    await emulator.fault({ pathPrefix: TOKEN_PATH, latencyMs: 400 });
    const before = (await emulatorCalls()).refreshesByUsername[seller!.username] ?? 0;

    const other = startTestAccountProcess({ workspaceId: workspace.workspaceId, accountId: seller!.accountId });
    await other.ready;
    const { runId } = await createCheckRun(db, { workspaceId: workspace.workspaceId, actor: workspace.actor, accountIds: [seller!.accountId], trigger: "manual" });
    other.go();
    await runner();
    const [otherResult] = await Promise.all([other.result, waitForRunToEnd(db, runId)]);
    expect(otherResult.status).toBe("healthy");
    const view = await db.checkRunItem.findFirstOrThrow({ where: { accountId: seller!.accountId } });
    expect(view.verdict).toBe("healthy");
    expect(((await emulatorCalls()).refreshesByUsername[seller!.username] ?? 0) - before).toBe(1);
  });
});

describe("cancel", () => {
  it("lets in-flight checks finish, cancels the rest and ends the run cancelled", async () => {
    const workspace = await createTestWorkspace(db);
    const sellers = await connectSellers(workspace, "cancel", 5);
    const { runId } = await createCheckRun(db, {
      workspaceId: workspace.workspaceId,
      actor: workspace.actor,
      accountIds: sellers.map((seller) => seller.accountId),
      trigger: "manual",
    });
    await emulator.fault({ pathPrefix: GET_USER_PATH, latencyMs: 300 });
    await runner({ concurrency: 1 });
    await waitFor(async () => (await db.checkRunItem.count({ where: { runId, status: "done" } })) >= 1);
    expect(await requestCheckRunCancel(db, { workspaceId: workspace.workspaceId, runId, actor: workspace.actor })).toBe(true);
    await waitForRunToEnd(db, runId);
    // No job of the run is left on the queue.
    expect(await database.query(`SELECT 1 FROM graphile_worker._private_jobs WHERE key LIKE 'check-run-item:%' AND key IN (SELECT 'check-run-item:' || id FROM "CheckRunItem" WHERE "runId" = $1)`, [runId])).toEqual([]);

    const view = await loadCheckRunView(db, workspace.workspaceId, runId);
    expect(view!.status).toBe("cancelled");
    expect(view!.summary.finished).toBeGreaterThanOrEqual(1);
    expect(view!.summary.cancelled).toBeGreaterThanOrEqual(1);
    expect(view!.summary.finished + view!.summary.cancelled).toBe(5);
    expect(view!.summary.healthy).toBe(view!.summary.finished);
    // Cancelled items were never checked.
    const cancelled = view!.items.filter((item) => item.status === "cancelled").map((item) => item.accountId);
    expect(await db.tokenCheck.count({ where: { runId, accountId: { in: cancelled } } })).toBe(0);
    const actions = (await db.auditEvent.findMany({ where: { runId } })).map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(["check_run_start", "check_run_cancel", "check_run_finish"]));
    // Cancelling an ended run is refused.
    expect(await requestCheckRunCancel(db, { workspaceId: workspace.workspaceId, runId, actor: workspace.actor })).toBe(false);
  });
});

/** Runs testAccount in a separate Node process on the same database and emulator, started on "go". */
function startTestAccountProcess(input: { workspaceId: string; accountId: string }) {
  const script = path.resolve(__dirname, "../../test/support/test-account-process.ts");
  const child = spawn(path.resolve(process.cwd(), "node_modules/.bin/tsx"), [script], {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      // The real server-only package refuses to load outside React's server condition.
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --conditions=react-server`.trim(),
      TEST_WORKSPACE_ID: input.workspaceId,
      TEST_ACCOUNT_ID: input.accountId,
    },
    stdio: ["pipe", "pipe", "inherit"],
  });
  let output = "";
  let markReady: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const result = new Promise<{ status: string }>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("ready\n")) markReady();
      const line = output.split("\n").find((entry) => entry.startsWith("result "));
      if (line) resolve(JSON.parse(line.slice("result ".length)) as { status: string });
    });
    child.on("exit", (code) => reject(new Error(`test-account process exited with ${code}: ${output}`)));
  });
  return { ready, result, go: () => child.stdin.write("go\n") };
}

describe("eBay's rate limit", () => {
  it("pauses the eBay jobs of every run until eBay's Retry-After, then they resume", async () => {
    const workspace = await createTestWorkspace(db);
    const other = await createTestWorkspace(db);
    const [first] = await connectSellers(workspace, "limit", 1);
    const others = await connectSellers(other, "bystander", 3);
    await emulator.fault({ pathPrefix: GET_USER_PATH, status: 429, retryAfterSeconds: 2, count: 1 });
    const limited = await createCheckRun(db, { workspaceId: workspace.workspaceId, actor: workspace.actor, accountIds: [first!.accountId], trigger: "manual" });
    await runner({ concurrency: 1 });
    await waitFor(async () => (await db.ebayCallPause.count()) === 1);
    const pause = await db.ebayCallPause.findFirstOrThrow();

    // Another workspace's run started during the pause waits for it too: eBay's limits are the application's.
    const bystander = await createCheckRun(db, { workspaceId: other.workspaceId, actor: other.actor, accountIds: others.map((seller) => seller.accountId), trigger: "manual" });
    const waiting = await loadCheckRunView(db, other.workspaceId, bystander.runId);
    expect(waiting!.waitingUntil).toBe(pause.pausedUntil.toISOString());
    expect(waiting!.waitingReason).toMatch(/429/);
    await Promise.all([waitForRunToEnd(db, limited.runId), waitForRunToEnd(db, bystander.runId)]);

    const checks = await db.tokenCheck.findMany({ where: { runId: { in: [limited.runId, bystander.runId] } }, orderBy: { createdAt: "asc" } });
    const rateLimited = checks.find((check) => check.cause === "rate_limited")!;
    for (const check of checks.filter((entry) => entry !== rateLimited)) {
      expect(check.createdAt.getTime()).toBeGreaterThanOrEqual(pause.pausedUntil.getTime() - 5);
    }
    expect((await loadCheckRunView(db, other.workspaceId, bystander.runId))!.summary.healthy).toBe(3);
  });
});

/** A job runner in a separate Node process on the same database and emulator, as a worker process runs one. */
function startJobRunnerProcess(input: { concurrency: number }): { child: ChildProcess; ready: Promise<void> } {
  // node itself with tsx as its loader (not the tsx CLI, which runs the script in a child of its own): SIGKILL must
  // reach the process that works the jobs.
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.resolve(process.cwd(), "test/support/job-runner-process.ts")], {
    env: { ...process.env, DATABASE_URL: database.url, TEST_JOB_CONCURRENCY: String(input.concurrency) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ready = new Promise<void>((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("ready\n")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`job runner process exited with ${code}: ${output}`)));
  });
  return { child, ready };
}
