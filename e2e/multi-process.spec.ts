import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { expect, test } from "@playwright/test";
import { e2eDatabaseUrl } from "./support/database";
import { EMULATOR_URL, resetEmulator } from "./support/emulator";
import { uniqueEmail } from "./support/app";

// Several processes on one database, as an agency runs ChannelKeys on more than one machine: the web server the suite
// started, a second web server and two `npm run worker` processes all work the queue. A bulk run over 300 accounts at
// eBay latency; one worker is killed (SIGKILL) in the middle. The run completes; every account has exactly one result
// and one history line; eBay saw no more calls than one per account plus what the killed worker had in flight.

const FLEET_SIZE = 300;
const WORKER_CONCURRENCY = 16;
const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
const secondWebPort = appPort + 50;
const root = process.cwd();

type Calls = { byPath: Record<string, number>; byTradingCall: Record<string, number>; byGrantType: Record<string, number> };

const started: ChildProcess[] = [];

test.afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
});

function processEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: e2eDatabaseUrl(),
    EBAY_EMULATOR_URL: EMULATOR_URL,
    UPKEEP_SWEEPS: "warnings",
    CHECK_RUN_CONCURRENCY: String(WORKER_CONCURRENCY),
    // A dead worker's jobs are looked for every 2 s (10 s by default), so the spec does not wait long for them.
    JOB_RECOVERY_INTERVAL_MS: "2000",
    ...extra,
  };
}

/** Starts a process (node itself, so that a signal reaches the process that works the jobs) and waits for a line. */
function startAndWaitFor(label: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`${label} not ready: ${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`${label} exited with ${code}: ${output}`)));
  });
}

async function query<Row extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

test("two web and two worker processes finish a 300-account run after one worker is killed mid-run", async ({ page, request }) => {
  test.setTimeout(300_000);
  await resetEmulator(request);
  const email = uniqueEmail("fleet");
  const password = "correct horse battery staple";

  // 300 sellers connected through the product's OAuth completion.
  const connected = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", "test/support/connect-fleet-process.ts"], {
    cwd: root,
    env: processEnv({ FLEET_SIZE: String(FLEET_SIZE), FLEET_EMAIL: email, FLEET_PASSWORD: password }),
    encoding: "utf8",
    timeout: 180_000,
  });
  expect(connected.status, connected.stderr).toBe(0);
  const fleet = JSON.parse(connected.stdout.trim().split("\n").at(-1)!) as { workspaceId: string; accountIds: string[] };
  expect(fleet.accountIds).toHaveLength(FLEET_SIZE);

  // The second web server (it works jobs too) and two worker processes.
  await startAndWaitFor(
    "second web server",
    [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(secondWebPort)],
    processEnv({ PORT: String(secondWebPort), NEXTAUTH_URL: `http://localhost:${secondWebPort}` }),
    /Ready in/,
  );
  expect((await request.get(`http://localhost:${secondWebPort}/api/health`)).ok()).toBe(true);
  const workerArgs = ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"];
  const doomedWorker = await startAndWaitFor("worker 1", workerArgs, processEnv({}), /ChannelKeys worker \(pid \d+\)/);
  await startAndWaitFor("worker 2", workerArgs, processEnv({}), /ChannelKeys worker \(pid \d+\)/);

  // eBay answers slowly, so the run is still going when the worker dies.
  for (const pathPrefix of ["/commerce/identity/", "/ws/api.dll"]) {
    expect((await request.post(`${EMULATOR_URL}/__emulator/faults`, { data: { pathPrefix, latencyMs: 400 } })).ok()).toBe(true);
  }
  const callsBefore = (await (await request.get(`${EMULATOR_URL}/__emulator/calls`)).json()) as Calls;

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/accounts$/);
  await page.getByRole("button", { name: `Check all (${FLEET_SIZE})` }).click();
  await expect(page).toHaveURL(/\/runs\/[a-z0-9]+$/);
  const runId = page.url().split("/").at(-1)!;

  const finished = async () => Number((await query<{ count: string }>(`SELECT count(*) FROM "CheckRunItem" WHERE "runId" = $1 AND status = 'done'`, [runId]))[0]!.count);
  await expect.poll(finished, { timeout: 60_000, intervals: [100] }).toBeGreaterThanOrEqual(FLEET_SIZE / 5);
  const finishedBeforeKill = await finished();
  doomedWorker.kill("SIGKILL");
  expect(finishedBeforeKill).toBeLessThan(FLEET_SIZE);

  // The page follows the run to its end: the dead worker's jobs went back to the queue.
  await expect(page.getByTestId("run-status")).toHaveText("Completed", { timeout: 180_000 });
  await expect(page.getByRole("progressbar")).toHaveAttribute("aria-valuenow", String(FLEET_SIZE));
  await expect(page.getByTestId("summary-healthy")).toHaveText(String(FLEET_SIZE));

  // Exactly one result and one history line per account.
  const items = await query<{ status: string; verdict: string | null; count: string }>(
    `SELECT status, verdict, count(*) FROM "CheckRunItem" WHERE "runId" = $1 GROUP BY status, verdict`,
    [runId],
  );
  expect(items).toEqual([{ status: "done", verdict: "healthy", count: String(FLEET_SIZE) }]);
  const checksPerAccount = await query<{ checks: string; accounts: string }>(
    `SELECT checks, count(*) AS accounts FROM (SELECT "accountId", count(*) AS checks FROM "TokenCheck" WHERE "runId" = $1 GROUP BY "accountId") per GROUP BY checks`,
    [runId],
  );
  expect(checksPerAccount).toEqual([{ checks: "1", accounts: String(FLEET_SIZE) }]);
  const linesPerAccount = await query<{ lines: string; accounts: string }>(
    `SELECT lines, count(*) AS accounts FROM (SELECT "accountId", count(*) AS lines FROM "AuditEvent" WHERE "runId" = $1 AND action = 'account_test' GROUP BY "accountId") per GROUP BY lines`,
    [runId],
  );
  expect(linesPerAccount).toEqual([{ lines: "1", accounts: String(FLEET_SIZE) }]);

  // eBay's side: one getUser and one GetTokenStatus per account, plus at most what the killed worker had in flight;
  // no refresh (every access token was fresh).
  const callsAfter = (await (await request.get(`${EMULATOR_URL}/__emulator/calls`)).json()) as Calls;
  const delta = (counts: (calls: Calls) => number) => counts(callsAfter) - counts(callsBefore);
  const identityCalls = delta((calls) => calls.byPath["/commerce/identity/v1/user/"] ?? 0);
  const tokenStatusCalls = delta((calls) => calls.byTradingCall.GetTokenStatus ?? 0);
  expect(identityCalls).toBeGreaterThanOrEqual(FLEET_SIZE);
  expect(identityCalls).toBeLessThanOrEqual(FLEET_SIZE + WORKER_CONCURRENCY);
  expect(tokenStatusCalls).toBeGreaterThanOrEqual(FLEET_SIZE);
  expect(tokenStatusCalls).toBeLessThanOrEqual(FLEET_SIZE + WORKER_CONCURRENCY);
  expect(delta((calls) => calls.byGrantType.refresh_token ?? 0)).toBe(0);

  await request.delete(`${EMULATOR_URL}/__emulator/faults`);
});
