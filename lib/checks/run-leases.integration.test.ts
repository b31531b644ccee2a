// Run leases against a real SQLite file and the real emulator over HTTP: a worker that lost its lease claims
// nothing more, a takeover never checks an account the previous owner is still checking, and a "running" item
// left behind in a finished run never blocks its account.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { GET_USER_PATH, startEmulator, type EmulatorHarness } from "@/lib/ebay/test-support/emulator";
import type { Db } from "@/lib/db";
import { createCheckRun, loadCheckRunView } from "@/lib/checks/check-runs";
import { processCheckRunsOnce } from "@/lib/checks/run-worker";
import { connectTestAccount, createTestWorkspace, FAST, type TestWorkspace } from "@/lib/checks/test-support/connected-accounts";

let emulator: EmulatorHarness;
let database: TestDatabase;
let db: Db;


beforeAll(async () => {
  emulator = await startEmulator();
  database = await createTestDatabase();
  db = database.db;
});
afterAll(async () => {
  await emulator?.close();
  await database?.cleanup();
});
beforeEach(async () => {
  await emulator.clearFaults();
});

async function identityCalls(): Promise<number> {
  const { byPath } = (await (await fetch(`${emulator.origin}/__emulator/calls`)).json()) as { byPath: Record<string, number> };
  return Object.entries(byPath)
    .filter(([route]) => route.startsWith(GET_USER_PATH))
    .reduce((sum, [, count]) => sum + count, 0);
}

async function connectSellers(workspace: TestWorkspace, prefix: string, count: number): Promise<string[]> {
  const accountIds = [];
  for (let index = 0; index < count; index++) {
    const seller = await emulator.createSeller(prefix);
    accountIds.push(await connectTestAccount(db, workspace, (username, options) => emulator.consent(username, options), seller.username));
  }
  return accountIds;
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("a running item left behind in a finished run", () => {
  it("does not block later runs over its account", async () => {
    const workspace = await createTestWorkspace(db);
    const [accountId] = await connectSellers(workspace, "orphan", 1);
    const first = await createCheckRun(db, { workspaceId: workspace.workspaceId, actor: workspace.actor, accountIds: [accountId!], trigger: "manual" });
    await processCheckRunsOnce(db, FAST);
    expect(await loadCheckRunView(db, workspace.workspaceId, first.runId)).toMatchObject({ status: "completed" });
    // What a worker that lost its lease used to leave: it claimed the item after the new owner had finished
    // the run, then died.
    await db.checkRunItem.updateMany({ where: { runId: first.runId }, data: { status: "running", startedAt: new Date() } });

    const second = await createCheckRun(db, { workspaceId: workspace.workspaceId, actor: workspace.actor, accountIds: [accountId!], trigger: "scheduler" });
    await processCheckRunsOnce(db, FAST);

    const view = await loadCheckRunView(db, workspace.workspaceId, second.runId);
    expect(view).toMatchObject({ status: "completed", done: 1 });
    expect(view!.items[0]).toMatchObject({ status: "done", verdict: "healthy" });
  });
});

describe("a worker that lost its lease", () => {
  it("claims no further item, and the run's new owner finishes it without checking any account twice", async () => {
    const workspace = await createTestWorkspace(db);
    const accountIds = await connectSellers(workspace, "stolen", 5);
    const { runId } = await createCheckRun(db, { workspaceId: workspace.workspaceId, actor: workspace.actor, accountIds, trigger: "manual" });
    await emulator.fault({ pathPrefix: GET_USER_PATH, latencyMs: 150 });
    const identityBefore = await identityCalls();

    // A long lease: the first worker would not look at it again for seconds, the old blind spot.
    const first = processCheckRunsOnce(db, { ...FAST, leaseMs: 60_000, concurrency: 1, workerId: "first" });
    await waitFor(async () => (await db.checkRunItem.count({ where: { runId, status: "done" } })) >= 1);
    await db.checkRun.update({ where: { id: runId }, data: { leaseOwner: "second", leaseUntil: new Date(Date.now() + 60_000) } });
    const pendingWhenLost = (await db.checkRunItem.findMany({ where: { runId, status: "pending" }, select: { id: true } })).map((item) => item.id);
    expect(pendingWhenLost.length).toBeGreaterThan(0);
    await first;

    const untouched = await db.checkRunItem.findMany({ where: { id: { in: pendingWhenLost } } });
    expect(untouched.map((item) => [item.status, item.attempts])).toEqual(pendingWhenLost.map(() => ["pending", 0]));

    // The new owner's process died too; a third worker takes the run over and finishes it.
    await db.checkRun.update({ where: { id: runId }, data: { leaseUntil: new Date(Date.now() - 1) } });
    const third = await processCheckRunsOnce(db, { ...FAST, workerId: "third" });
    expect(third.runIds).toEqual([runId]);
    const view = await loadCheckRunView(db, workspace.workspaceId, runId);
    expect(view).toMatchObject({ status: "completed", done: 5 });
    expect(view!.summary).toMatchObject({ healthy: 5, pending: 0, running: 0 });
    const checks = await db.tokenCheck.groupBy({ by: ["accountId"], where: { runId }, _count: true });
    expect(checks.map((group) => group._count)).toEqual([1, 1, 1, 1, 1]);
    expect((await identityCalls()) - identityBefore).toBe(5);
  });

  it("is not raced by the worker that takes its run over while its check is still at eBay", async () => {
    const workspace = await createTestWorkspace(db);
    const accountIds = await connectSellers(workspace, "slow", 3);
    const { runId } = await createCheckRun(db, { workspaceId: workspace.workspaceId, actor: workspace.actor, accountIds, trigger: "manual" });
    await emulator.fault({ pathPrefix: GET_USER_PATH, latencyMs: 400 });
    const identityBefore = await identityCalls();

    const slow = processCheckRunsOnce(db, { ...FAST, leaseMs: 60_000, concurrency: 1, workerId: "slow" });
    await waitFor(async () => (await db.checkRunItem.count({ where: { runId, status: "running" } })) === 1);
    // The slow worker's lease runs out while its check is at eBay; another worker takes the run over at once.
    await db.checkRun.update({ where: { id: runId }, data: { leaseUntil: new Date(Date.now() - 1) } });
    const [, takeover] = await Promise.all([slow, processCheckRunsOnce(db, { ...FAST, abandonedCheckMs: 2_000, workerId: "takeover" })]);
    expect(takeover.runIds).toEqual([runId]);

    const view = await loadCheckRunView(db, workspace.workspaceId, runId);
    expect(view).toMatchObject({ status: "completed", done: 3 });
    expect(view!.summary.healthy).toBe(3);
    // The item the slow worker had at eBay was not asked again: its check is reused.
    expect((await identityCalls()) - identityBefore).toBe(3);
  });
});
