// A bulk run while its PostgreSQL server stops and starts again (a restart, a failover): the work pauses while the
// database is away and resumes when it is back, with nothing lost and nothing checked twice. The server is an
// embedded PostgreSQL of this test's own (the shared test server must stay up for the other files).
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDbClient, type Db } from "@/lib/db";
import { closeAdvisoryLockPools } from "@/lib/advisory-lock";
import { createCheckRun, loadCheckRunView } from "@/lib/checks/check-runs";
import { startJobRunner, type JobRunner } from "@/lib/jobs/job-runner";
import { startOrAttachEmbedded, type ResolvedDatabase } from "@/scripts/db/embedded-postgres";
import { migrateDatabase } from "@/scripts/db/migrate-database";
import { GET_USER_PATH, startEmulator, type EmulatorHarness } from "@/test/support/emulator-harness";
import { connectTestAccount, createTestWorkspace, useFastCheckRuns } from "@/test/support/connected-accounts";
import { freePort } from "@/test/support/test-postgres";
import { waitFor, waitForRunToEnd } from "@/test/support/job-runner";

const dataDir = mkdtempSync(path.join(os.tmpdir(), "channelkeys-restart-pg-"));
let port: number;
let server: ResolvedDatabase;
let db: Db;
let emulator: EmulatorHarness;
let runner: JobRunner | undefined;

beforeAll(async () => {
  useFastCheckRuns();
  port = await freePort();
  server = await startOrAttachEmbedded({ dataDir, port, temporary: false });
  await migrateDatabase(server.url);
  db = createDbClient(server.url);
  emulator = await startEmulator();
}, 60_000);
afterAll(async () => {
  await runner?.stop();
  await emulator?.close();
  await db?.$disconnect();
  await closeAdvisoryLockPools();
  await server?.stop();
});

it("pauses a bulk run while the database is away and finishes it when it is back, every account checked once", { timeout: 120_000 }, async () => {
  const workspace = await createTestWorkspace(db);
  const accountIds: string[] = [];
  for (let index = 0; index < 8; index++) {
    const seller = await emulator.createSeller("restart");
    accountIds.push(await connectTestAccount(db, workspace, (username, options) => emulator.consent(username, options), seller.username));
  }
  await emulator.fault({ pathPrefix: GET_USER_PATH, latencyMs: 300 });
  runner = await startJobRunner({ databaseUrl: server.url, db, cron: false, concurrency: 2, pollIntervalMs: 100, recoveryIntervalMs: 250 });
  const { runId } = await createCheckRun(db, { workspaceId: workspace.workspaceId, actor: workspace.actor, accountIds, trigger: "manual" });
  await waitFor(async () => (await db.checkRunItem.count({ where: { runId, status: "done" } })) >= 2);

  // The database goes away in the middle of the run (checks in flight at eBay), and comes back a little later.
  await server.stop();
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  server = await startOrAttachEmbedded({ dataDir, port, temporary: false });

  await waitForRunToEnd(db, runId, 90_000);
  const view = await loadCheckRunView(db, workspace.workspaceId, runId);
  expect(view).toMatchObject({ status: "completed", total: 8, done: 8 });
  expect(view!.summary).toMatchObject({ healthy: 8, pending: 0, running: 0, notChecked: 0 });
  // One recorded check and one history line per account: nothing lost, nothing recorded twice.
  const checks = await db.tokenCheck.groupBy({ by: ["accountId"], where: { runId }, _count: true });
  expect(checks).toHaveLength(8);
  expect(checks.every((group) => group._count === 1)).toBe(true);
  const lines = await db.auditEvent.groupBy({ by: ["accountId"], where: { runId, action: "account_test" }, _count: true });
  expect(lines.every((group) => group._count === 1)).toBe(true);
  expect(await db.auditEvent.count({ where: { runId, action: "check_run_finish" } })).toBe(1);
});
