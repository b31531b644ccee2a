// The scheduler against a real SQLite file: two instances (two database connections, as two processes
// would have) racing many ticks run each sweep once per interval; and the whole upkeep loop over the real
// emulator: daily re-check, backoff while failing, a held needs_reauth alerting once by email, recovery.
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { startEmulator, type EmulatorHarness } from "@/test/support/emulator-harness";
import { startSmtpServer, type SmtpTestServer } from "@/test/support/smtp-server";
import type { Db } from "@/lib/db";
import { setClockOffsetSeconds } from "@/lib/clock";
import { createOAuthState, consumeOAuthState } from "@/lib/accounts/oauth-state";
import { completeOAuth } from "@/lib/accounts/complete-oauth";
import { processCheckRunsOnce } from "@/lib/checks/run-worker";
import { LEASE_NAMES, runUpkeepOnce } from "@/lib/upkeep/scheduler";
import { encryptToken } from "@/lib/crypto/token-cipher";
import { claimLease } from "@/lib/upkeep/scheduler-lease";
import { checkPeriodSeconds } from "@/lib/upkeep/check-sweep";
import { upkeepConfigFromEnv, type UpkeepConfig } from "@/lib/upkeep/upkeep-config";

const INTERVAL_SECONDS = 60;
const wallStart = new Date("2031-05-01T00:00:00Z").getTime();
const wallAt = (seconds: number) => new Date(wallStart + seconds * 1000);

function testConfig(overrides: Partial<UpkeepConfig["warnings"]> = {}): UpkeepConfig {
  const base = upkeepConfigFromEnv({ UPKEEP_INTERVAL_SECONDS: String(INTERVAL_SECONDS) });
  return {
    ...base,
    warnings: { ...base.warnings, smtpUrl: null, holdSeconds: 86_400, appUrl: "https://app.channelkeys.test", ...overrides },
  };
}

describe("checkPeriodSeconds", () => {
  it("is a day while healthy and doubles from the base while failing, capped", () => {
    const config = { checkEverySeconds: 86_400, retryBaseSeconds: 300, retryMaxSeconds: 86_400 };
    expect([0, 1, 2, 3, 4, 9, 10, 50].map((streak) => checkPeriodSeconds(streak, config))).toEqual([
      86_400, 300, 600, 1200, 2400, 76_800, 86_400, 86_400,
    ]);
  });
});

describe("two schedulers on one database", () => {
  let database: TestDatabase;
  let workspaceId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const workspace = await database.db.workspace.create({ data: { name: "Race" } });
    workspaceId = workspace.id;
    for (let index = 0; index < 3; index++) {
      // Never checked: due at the first sweep.
      await database.db.ebayAccount.create({
        data: { workspaceId, environment: "emulated", ebayUserId: `race-${index}`, ebayUsername: `race_${index}` },
      });
    }
  });
  afterAll(async () => {
    await database?.cleanup();
  });

  it("run each sweep exactly once per interval however many ticks race", async () => {
    // Two real processes, each with its own SQLite connection, fed the same ticks at the same moment.
    const schedulers = ["scheduler-a", "scheduler-b"].map((owner) => startSchedulerProcess(database.url, owner));
    const ranPerRound: Array<Record<string, number>> = [];
    try {
      for (let round = 0; round < 8; round++) {
        const counts: Record<string, number> = { checks: 0, warnings: 0 };
        // Several ticks per process inside one interval.
        for (const offset of [0, 1, 7, 20, 33, 41, 53]) {
          const wallNow = wallAt(round * INTERVAL_SECONDS + offset);
          const replies = await Promise.all(schedulers.map((scheduler) => scheduler.tick(wallNow)));
          for (const ran of replies) for (const sweep of ran) counts[sweep]! += 1;
        }
        ranPerRound.push(counts);
      }
    } finally {
      await Promise.all(schedulers.map((scheduler) => scheduler.stop()));
    }
    expect(ranPerRound).toEqual(Array.from({ length: 8 }, () => ({ checks: 1, warnings: 1 })));
    // The accounts were handed to exactly one bulk run, once, though eight check sweeps ran.
    const runs = await database.db.checkRun.findMany({ include: { items: true } });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: "scheduler", createdByLabel: "Scheduler", total: 3 });
  });

  it("lets another process take over a lease only once its holder's lease has expired", async () => {
    const claim = (owner: string, seconds: number) =>
      claimLease(database.db, { name: "test:takeover", owner, now: wallAt(seconds), intervalMs: 60_000, leaseMs: 600_000 });
    expect(await claim("a", 0)).toBe(true);
    // "a" crashed without releasing: the job is due again but "a"'s lease still stands.
    expect(await claim("b", 120)).toBe(false);
    expect(await claim("b", 599)).toBe(false);
    expect(await claim("b", 601)).toBe(true);
    expect(await claim("a", 602)).toBe(false);
  });
});

describe("a warnings sweep that outlives its lease", () => {
  let database: TestDatabase;
  let receiver: http.Server;
  const deliveries: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    // The first webhook takes so long that another process takes the lease over meanwhile.
    receiver = http.createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        deliveries.push(String(request.headers["x-channelkeys-delivery"]));
        void database.db.schedulerLease
          .update({ where: { name: LEASE_NAMES.warnings }, data: { owner: "another-process", leaseUntil: wallAt(10_000) } })
          .then(() => response.writeHead(200).end("ok"));
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
    await database?.cleanup();
  });

  it("renews the lease while delivering and stops once another process holds it", async () => {
    const db = database.db;
    const workspace = await db.workspace.create({ data: { name: "Lease" } });
    const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await db.workspaceAlertSettings.create({ data: { workspaceId: workspace.id, webhookUrl, webhookSecret: encryptToken("whsec_0123456789abcdef") } });
    const warnings = [];
    for (let index = 0; index < 3; index++) {
      warnings.push(
        await db.warning.create({
          data: { workspaceId: workspace.id, kind: "expiring", title: `W${index}`, message: "m", dedupeKey: `lease:${index}`, createdAt: new Date(Date.UTC(2031, 4, 1, 0, index)) },
        }),
      );
    }
    const base = upkeepConfigFromEnv({ UPKEEP_INTERVAL_SECONDS: String(INTERVAL_SECONDS), UPKEEP_SWEEPS: "warnings" });
    const config = { ...base, warnings: { ...base.warnings, smtpUrl: null } };

    const report = await runUpkeepOnce(db, { owner: "solo", config, wallNow: wallAt(0), now: new Date("2031-05-01T01:00:00Z") });
    expect(report.ran).toEqual(["warnings"]);
    expect(report.warnings?.delivery).toEqual({ emailed: 0, webhooks: 1, failed: 0, completed: false });
    expect(deliveries).toEqual([warnings[0]!.id]);
    // The new holder's lease is left alone (not released by the process that lost it).
    expect(await db.schedulerLease.findUniqueOrThrow({ where: { name: LEASE_NAMES.warnings } })).toMatchObject({ owner: "another-process", leaseUntil: wallAt(10_000) });
    expect(await db.warning.count({ where: { workspaceId: workspace.id, webhookSentAt: null, deliveryClaimOwner: null } })).toBe(2);
  });
});

function startSchedulerProcess(databaseUrl: string, owner: string) {
  const child = spawn(path.join(process.cwd(), "node_modules/.bin/tsx"), ["--conditions=react-server", "lib/upkeep/test-support/scheduler-race-child.ts"], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      SCHEDULER_OWNER: owner,
      UPKEEP_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
      SMTP_URL: "",
      JUDGE_AT: "2031-05-01T00:00:00Z",
    },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const replies = readline.createInterface({ input: child.stdout! });
  const waiting: Array<(line: string) => void> = [];
  replies.on("line", (line) => waiting.shift()?.(line));
  return {
    async tick(wallNow: Date): Promise<string[]> {
      const reply = new Promise<string>((resolve) => waiting.push(resolve));
      child.stdin!.write(`${JSON.stringify({ wallNow: wallNow.toISOString() })}\n`);
      const parsed = JSON.parse(await reply) as { ran?: string[]; error?: string };
      if (parsed.error) throw new Error(`${owner}: ${parsed.error}`);
      return parsed.ran ?? [];
    },
    stop(): Promise<void> {
      return new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.stdin!.end();
      });
    },
  };
}

describe("upkeep over the real emulator", () => {
  let emulator: EmulatorHarness;
  let smtp: SmtpTestServer;
  let database: TestDatabase;
  let db: Db;
  let workspaceId: string;
  let userId: string;
  let wallSeconds = 0;
  let clockSeconds = 0;

  const nextTick = async (config: UpkeepConfig) => {
    wallSeconds += INTERVAL_SECONDS;
    const report = await runUpkeepOnce(db, { owner: "solo", config, wallNow: wallAt(wallSeconds) });
    await processCheckRunsOnce(db, { retryBaseMs: 0 });
    return report;
  };
  const advanceClock = (seconds: number) => {
    clockSeconds += seconds;
    setClockOffsetSeconds(clockSeconds);
  };
  const refreshes = async (username: string): Promise<number> => {
    const calls = (await (await fetch(`${emulator.origin}/__emulator/calls`)).json()) as { refreshesByUsername: Record<string, number> };
    return calls.refreshesByUsername[username] ?? 0;
  };
  const consent = async (username: string, intent: "connect" | "recreate", accountId?: string) => {
    const state = await createOAuthState(db, { workspaceId, userId, intent, accountId, environment: "emulated" });
    const { code } = await emulator.consent(username, { state });
    const consumed = await consumeOAuthState(db, state, userId);
    if (!consumed.ok) throw new Error(consumed.reason);
    return completeOAuth(db, { state: consumed.record, code, actor: { userId, label: "owner@example.test" } });
  };

  beforeAll(async () => {
    emulator = await startEmulator();
    smtp = await startSmtpServer();
    database = await createTestDatabase();
    db = database.db;
    const user = await db.user.create({ data: { email: "owner@example.test", name: "Owner", passwordHash: "x" } });
    const workspace = await db.workspace.create({ data: { name: "Upkeep", memberships: { create: { userId: user.id, role: "owner" } } } });
    userId = user.id;
    workspaceId = workspace.id;
    await db.workspaceAlertSettings.create({ data: { workspaceId, emailRecipients: "alerts@example.test" } });
  });
  afterAll(async () => {
    setClockOffsetSeconds(0);
    await emulator?.close();
    await smtp?.close();
    await database?.cleanup();
  });

  it("re-checks daily, backs off a failing account, alerts once when the failure held, and notes the recovery", async () => {
    const config = testConfig({ smtpUrl: smtp.url });
    const seller = await emulator.createSeller("upkeep");
    const connected = await consent(seller.username, "connect");
    if (connected.kind !== "connected") throw new Error(connected.kind);
    const accountId = connected.accountId;
    const account = () => db.ebayAccount.findUniqueOrThrow({ where: { id: accountId } });
    const schedulerChecks = async () => {
      const runs = await db.checkRun.findMany({ where: { trigger: "scheduler" }, select: { id: true } });
      return db.tokenCheck.count({ where: { accountId, runId: { in: runs.map((run) => run.id) } } });
    };

    // Just connected (and so just checked): nothing due, the next check is a day out.
    let report = await nextTick(config);
    expect(report.checks).toMatchObject({ due: 0, scheduled: 0 });
    const connectedAt = (await account()).lastCheckedAt!;
    expect((await account()).nextCheckAt).toEqual(new Date(connectedAt.getTime() + 86_400_000));

    // An idle day later: the daily check refreshes the (long expired) access token once, on demand.
    advanceClock(12 * 3600);
    report = await nextTick(config);
    expect(report.checks).toMatchObject({ due: 0 });
    const refreshesBefore = await refreshes(seller.username);
    advanceClock(12 * 3600 + 60);
    report = await nextTick(config);
    expect(report.checks).toMatchObject({ due: 1, scheduled: 1 });
    expect(await schedulerChecks()).toBe(1);
    expect(await refreshes(seller.username)).toBe(refreshesBefore + 1);
    expect(await account()).toMatchObject({ status: "healthy", failureStreak: 0 });

    // The seller revokes ChannelKeys. The next daily check finds it; one failure is not yet an alert.
    await emulator.revoke(seller.username, "REVOKED_BY_USER");
    advanceClock(86_400 + 60);
    await nextTick(config);
    expect(await account()).toMatchObject({ status: "needs_reauth", failureStreak: 1 });
    report = await nextTick(config);
    expect(report.warnings?.raised).toEqual([]);
    expect(await db.warning.count({ where: { accountId } })).toBe(0);

    // Re-checked after the first backoff step (5 minutes), still refused: now it held, one alert, one email.
    advanceClock(301);
    await nextTick(config);
    expect(await account()).toMatchObject({ status: "needs_reauth", failureStreak: 2 });
    report = await nextTick(config);
    expect(report.warnings?.raised.map((warning) => warning.kind)).toEqual(["needs_reauth"]);
    expect(report.warnings?.delivery).toMatchObject({ emailed: 1 });
    const mail = await smtp.waitForMail((candidate) => candidate.subject.includes("needs re-authorization"));
    expect(mail.to).toEqual(["alerts@example.test"]);
    expect(mail.text).toContain(`https://app.channelkeys.test/accounts/${accountId}`);

    // Backoff doubles each failure: 10, 20, 40 minutes… and only one check per step.
    for (const streak of [2, 3, 4]) {
      advanceClock(300 * 2 ** (streak - 1) - 30);
      await nextTick(config);
      const waiting = await account();
      expect(waiting.failureStreak).toBe(streak);
      expect(waiting.nextCheckAt!.getTime() - waiting.lastCheckedAt!.getTime()).toBe(300_000 * 2 ** (streak - 1));
      advanceClock(60);
      await nextTick(config);
      expect((await account()).failureStreak).toBe(streak + 1);
    }
    await nextTick(config);
    expect(await db.warning.count({ where: { accountId } })).toBe(1);

    // The seller re-creates the token: one "recovered" note, the alert resolved.
    const recreated = await consent(seller.username, "recreate", accountId);
    expect(recreated.kind).toBe("recreated");
    report = await nextTick(config);
    expect(report.warnings?.raised.map((warning) => warning.kind)).toEqual(["recovered"]);
    const warnings = await db.warning.findMany({ where: { accountId }, orderBy: { createdAt: "asc" } });
    expect(warnings.map((warning) => [warning.kind, warning.resolvedAt !== null])).toEqual([
      ["needs_reauth", true],
      ["recovered", true],
    ]);
    await smtp.waitForMail((candidate) => candidate.subject.includes("working again"));
    const healed = await account();
    expect(healed.nextCheckAt!.getTime() - healed.lastCheckedAt!.getTime()).toBe(86_400_000);
  });
});
