// Upkeep on the job queue against a real PostgreSQL database: the cron entries, sweeps that two processes work at
// once handing accounts to one run, and the whole upkeep loop over the real emulator: daily re-check, backoff while
// failing, a held needs_reauth alerting once by email, recovery.
import { parseCrontab } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { startEmulator, type EmulatorHarness } from "@/test/support/emulator-harness";
import { startSmtpServer, type SmtpTestServer } from "@/test/support/smtp-server";
import type { Db } from "@/lib/db";
import { setClockOffsetSeconds } from "@/lib/clock";
import { createOAuthState, consumeOAuthState } from "@/lib/accounts/oauth-state";
import { completeOAuth } from "@/lib/accounts/complete-oauth";
import { now as clockNow } from "@/lib/clock";
import { addJob } from "@/lib/jobs/add-job";
import type { JobRunner } from "@/lib/jobs/job-runner";
import { closeAdvisoryLockPools } from "@/lib/advisory-lock";
import { checkPeriodSeconds, sweepDueChecks } from "@/lib/upkeep/check-sweep";
import { upkeepConfigFromEnv } from "@/lib/upkeep/upkeep-config";
import { upkeepCrontab } from "@/lib/upkeep/upkeep-crontab";
import { evaluateWarnings } from "@/lib/warnings/evaluate-warnings";
import { startTestJobRunner } from "@/test/support/job-runner";

describe("checkPeriodSeconds", () => {
  it("is a day while healthy and doubles from the base while failing, capped", () => {
    const config = { checkEverySeconds: 86_400, retryBaseSeconds: 300, retryMaxSeconds: 86_400 };
    expect([0, 1, 2, 3, 4, 9, 10, 50].map((streak) => checkPeriodSeconds(streak, config))).toEqual([
      86_400, 300, 600, 1200, 2400, 76_800, 86_400, 86_400,
    ]);
  });
});

describe("the queue's cron", () => {
  it("schedules each sweep every minute, in a queue of its own so a slow sweep is never overlapped", () => {
    const items = parseCrontab(upkeepCrontab({}));
    expect(items.map((item) => [item.task, item.options.queueName, item.options.jobKey, item.options.jobKeyMode])).toEqual([
      ["upkeep-checks", "upkeep-checks", "upkeep-checks", "preserve_run_at"],
      ["upkeep-warnings", "upkeep-warnings", "upkeep-warnings", "preserve_run_at"],
    ]);
    // Every minute of every hour of every day.
    const minutes = [0, 1, 29, 59].map((min) => ({ min, hour: 13, date: 2, month: 6, dow: 3 }));
    for (const item of items) expect(minutes.map((digest) => item.match(digest))).toEqual([true, true, true, true]);
    expect(parseCrontab(upkeepCrontab({ UPKEEP_SWEEPS: "warnings" })).map((item) => item.task)).toEqual(["upkeep-warnings"]);
  });
});

describe("two processes working upkeep jobs on one database", () => {
  let database: TestDatabase;
  const runners: JobRunner[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const workspace = await database.db.workspace.create({ data: { name: "Race" } });
    for (let index = 0; index < 3; index++) {
      // Never checked: due at the first sweep.
      await database.db.ebayAccount.create({
        data: { workspaceId: workspace.id, environment: "emulated", ebayUserId: `race-${index}`, ebayUsername: `race_${index}` },
      });
    }
  });
  afterAll(async () => {
    await Promise.all(runners.map((runner) => runner.stop()));
    await database?.cleanup();
  });

  it("hand the due accounts to exactly one bulk run, however many sweeps were queued at once", async () => {
    // Sweeps queued as the cron queues them (a queue of their own), several at once, worked by two runners.
    for (let index = 0; index < 4; index++) {
      await addJob(database.db, { task: "upkeep-checks", payload: {}, queueName: "upkeep-checks", jobKey: `race-${index}` });
    }
    runners.push(await startTestJobRunner(database), await startTestJobRunner(database));
    await runners[0]!.whenIdle();
    const runs = await database.db.checkRun.findMany({ include: { items: true } });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: "scheduler", createdByLabel: "Scheduler", total: 3 });
  });
});

describe("upkeep over the real emulator", () => {
  let emulator: EmulatorHarness;
  let smtp: SmtpTestServer;
  let database: TestDatabase;
  let db: Db;
  let workspaceId: string;
  let userId: string;
  let clockSeconds = 0;
  let runner: JobRunner;

  // One minute of upkeep, as the cron's two jobs do it, then every job they queued (the runs' checks, the
  // evaluations those queue, the warnings' deliveries) worked to the end.
  const nextTick = async () => {
    const checks = await sweepDueChecks(db, { now: clockNow(), config: upkeepConfigFromEnv() });
    await runner.whenIdle();
    const warnings = await evaluateWarnings(db, { now: clockNow(), config: upkeepConfigFromEnv().warnings });
    await runner.whenIdle();
    return { checks, warnings };
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
    Object.assign(process.env, {
      SMTP_URL: smtp.url,
      NEXTAUTH_URL: "https://app.channelkeys.test",
      WARNING_HOLD_SECONDS: "86400",
      WARNING_EVALUATION_DELAY_MS: "0",
      CHECK_RUN_RETRY_BASE_MS: "0",
      CHECK_RUN_QUOTA_CHECK_SECONDS: "3600",
    });
    runner = await startTestJobRunner(database);
    const user = await db.user.create({ data: { email: "owner@example.test", name: "Owner", passwordHash: "x" } });
    const workspace = await db.workspace.create({ data: { name: "Upkeep", memberships: { create: { userId: user.id, role: "owner" } } } });
    userId = user.id;
    workspaceId = workspace.id;
    await db.workspaceAlertSettings.create({ data: { workspaceId, emailRecipients: "alerts@example.test" } });
    // The address confirmed by the emailed link (lib/warnings/alert-recipients.ts).
    await db.alertRecipient.create({ data: { workspaceId, email: "alerts@example.test", status: "confirmed" } });
  });
  afterAll(async () => {
    setClockOffsetSeconds(0);
    await runner?.stop();
    await emulator?.close();
    await smtp?.close();
    await closeAdvisoryLockPools();
    await database?.cleanup();
  });

  it("re-checks daily, backs off a failing account, alerts once when the failure held, and notes the recovery", async () => {
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
    let report = await nextTick();
    expect(report.checks).toMatchObject({ due: 0, scheduled: 0 });
    const connectedAt = (await account()).lastCheckedAt!;
    expect((await account()).nextCheckAt).toEqual(new Date(connectedAt.getTime() + 86_400_000));

    // An idle day later: the daily check refreshes the (long expired) access token once, on demand.
    advanceClock(12 * 3600);
    report = await nextTick();
    expect(report.checks).toMatchObject({ due: 0 });
    const refreshesBefore = await refreshes(seller.username);
    advanceClock(12 * 3600 + 60);
    report = await nextTick();
    expect(report.checks).toMatchObject({ due: 1, scheduled: 1 });
    expect(await schedulerChecks()).toBe(1);
    expect(await refreshes(seller.username)).toBe(refreshesBefore + 1);
    expect(await account()).toMatchObject({ status: "healthy", failureStreak: 0 });

    // The seller revokes ChannelKeys. The next daily check finds it; one failure is not yet an alert.
    await emulator.revoke(seller.username, "REVOKED_BY_USER");
    advanceClock(86_400 + 60);
    await nextTick();
    expect(await account()).toMatchObject({ status: "needs_reauth", failureStreak: 1 });
    report = await nextTick();
    expect(report.warnings.raised).toEqual([]);
    expect(await db.warning.count({ where: { accountId } })).toBe(0);

    // Re-checked after the first backoff step (5 minutes), still refused: now it held, one alert, one email.
    advanceClock(301);
    // (The check itself queues its workspace's evaluation, which raises the warning and queues its delivery.)
    await nextTick();
    expect(await account()).toMatchObject({ status: "needs_reauth", failureStreak: 2 });
    expect((await db.warning.findMany({ where: { accountId } })).map((warning) => warning.kind)).toEqual(["needs_reauth"]);
    expect(await db.warning.findFirstOrThrow({ where: { accountId } })).toMatchObject({ emailedAt: expect.any(Date), deliverySettledAt: expect.any(Date) });
    const mail = await smtp.waitForMail((candidate) => candidate.subject.includes("needs re-authorization"));
    expect(mail.to).toEqual(["alerts@example.test"]);
    expect(mail.text).toContain(`https://app.channelkeys.test/accounts/${accountId}`);

    // Backoff doubles each failure: 10, 20, 40 minutes… and only one check per step.
    for (const streak of [2, 3, 4]) {
      advanceClock(300 * 2 ** (streak - 1) - 30);
      await nextTick();
      const waiting = await account();
      expect(waiting.failureStreak).toBe(streak);
      expect(waiting.nextCheckAt!.getTime() - waiting.lastCheckedAt!.getTime()).toBe(300_000 * 2 ** (streak - 1));
      advanceClock(60);
      await nextTick();
      expect((await account()).failureStreak).toBe(streak + 1);
    }
    await nextTick();
    expect(await db.warning.count({ where: { accountId } })).toBe(1);

    // The seller re-creates the token: one "recovered" note, the alert resolved.
    const recreated = await consent(seller.username, "recreate", accountId);
    expect(recreated.kind).toBe("recreated");
    // The re-create queues its workspace's evaluation itself (lib/accounts/complete-oauth.ts), so the note may be
    // raised by that job during the tick rather than by the tick's own evaluation: what counts is that it exists once.
    await nextTick();
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
