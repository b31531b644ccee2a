// Warnings from account states: no flapping, one warning per episode even with two evaluators, expiry
// thresholds, recovery notes; emailed to a real SMTP server on a local port through the deliver-warning job (their
// webhooks are endpoint deliveries: lib/webhooks/webhooks.test.ts). Real PostgreSQL throughout.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { startSmtpServer, type SmtpTestServer } from "@/test/support/smtp-server";
import { createDbClient, type Db } from "@/lib/db";
import { evaluateWarnings } from "@/lib/warnings/evaluate-warnings";
import { deliverWarning } from "@/lib/warnings/deliver-warning";
import { confirmAlertRecipient } from "@/lib/warnings/alert-recipients";
import { deliverWarningJob, WARNING_DELIVERY_ATTEMPTS } from "@/lib/warnings/warning-jobs";
import { runDeliverWarningJob } from "@/lib/warnings/warning-tasks";
import { addJob } from "@/lib/jobs/add-job";
import { RetryLater } from "@/lib/jobs/retry-later";
import { startTestJobRunner } from "@/test/support/job-runner";
import { warningConfigFromEnv, type WarningConfig } from "@/lib/upkeep/upkeep-config";

const HOLD_SECONDS = 600;
const UNAVAILABLE_HOLD_SECONDS = 6 * 3600;
const DAY_MS = 86_400_000;

let database: TestDatabase;
let db: Db;
let workspaceId: string;
let accountCounter = 0;
const t0 = new Date("2030-01-01T00:00:00Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

function config(overrides: Partial<WarningConfig> = {}): WarningConfig {
  return {
    ...warningConfigFromEnv({}),
    holdChecks: 2,
    holdSeconds: HOLD_SECONDS,
    unavailableHoldSeconds: UNAVAILABLE_HOLD_SECONDS,
    appUrl: "https://app.channelkeys.test",
    emailFrom: "ChannelKeys <alerts@channelkeys.test>",
    smtpUrl: null,
    ...overrides,
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  const owner = await db.user.create({ data: { email: "owner@example.test", name: "Owner", passwordHash: "x" } });
  const workspace = await db.workspace.create({
    data: { name: "Acme Sellers", memberships: { create: { userId: owner.id, role: "owner" } } },
  });
  workspaceId = workspace.id;
});
afterAll(async () => {
  await database?.cleanup();
});
beforeEach(async () => {
  await db.warning.deleteMany({});
  await db.workspaceAlertSettings.deleteMany({});
  await db.alertRecipient.deleteMany({});
  await db.ebayAccount.deleteMany({});
});

async function createAccount(data: { status?: string; refreshTokenExpiresAt?: Date; failureStreak?: number } = {}) {
  accountCounter += 1;
  return db.ebayAccount.create({
    data: {
      workspaceId,
      environment: "emulated",
      ebayUserId: `user-${accountCounter}`,
      ebayUsername: `seller_${accountCounter}`,
      status: data.status ?? "healthy",
      verdictStatus: data.status === "needs_reauth" ? "needs_reauth" : "healthy",
      failureStreak: data.failureStreak ?? 0,
      refreshTokenExpiresAt: data.refreshTokenExpiresAt ?? new Date(t0.getTime() + 500 * DAY_MS),
    },
  });
}

async function setStatus(accountId: string, status: string, extra: { failureStreak?: number; statusCause?: string | null } = {}) {
  await db.ebayAccount.update({
    where: { id: accountId },
    data: {
      status,
      statusCause: extra.statusCause ?? (status === "needs_reauth" ? "revoked_by_user" : status === "ebay_unavailable" ? "server_error" : null),
      ...(status === "ebay_unavailable" ? {} : { verdictStatus: status, verdictCause: status === "needs_reauth" ? "revoked_by_user" : null }),
      failureStreak: extra.failureStreak ?? (status === "healthy" ? 0 : 1),
    },
  });
}

const warningsOf = (accountId: string) => db.warning.findMany({ where: { accountId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });

describe("evaluateWarnings: no flapping", () => {
  it("does not alert for an account that alternates healthy / eBay unavailable", async () => {
    const account = await createAccount();
    const sequence = ["healthy", "ebay_unavailable", "healthy", "ebay_unavailable", "healthy", "ebay_unavailable", "healthy"];
    for (const [index, status] of sequence.entries()) {
      await setStatus(account.id, status);
      // Each state holds for an hour: far past the needs_reauth hold, far short of the unavailable hold.
      await evaluateWarnings(db, { now: at(index * 3600), config: config() });
    }
    expect(await warningsOf(account.id)).toEqual([]);
    expect((await db.ebayAccount.findUniqueOrThrow({ where: { id: account.id } })).alertedStatus).toBeNull();
  });

  it("alerts eBay unavailable only once it has held for the long hold", async () => {
    const account = await createAccount();
    await setStatus(account.id, "ebay_unavailable", { failureStreak: 5 });
    await evaluateWarnings(db, { now: at(0), config: config() });
    await evaluateWarnings(db, { now: at(UNAVAILABLE_HOLD_SECONDS - 1), config: config() });
    expect(await warningsOf(account.id)).toEqual([]);
    await evaluateWarnings(db, { now: at(UNAVAILABLE_HOLD_SECONDS), config: config() });
    await evaluateWarnings(db, { now: at(UNAVAILABLE_HOLD_SECONDS + 60), config: config() });
    expect((await warningsOf(account.id)).map((warning) => warning.kind)).toEqual(["unavailable"]);
  });

  it("alerts needs re-authorization once it held (time), once only, then a recovered note resolves it", async () => {
    const account = await createAccount();
    await evaluateWarnings(db, { now: at(0), config: config() });
    await setStatus(account.id, "needs_reauth", { failureStreak: 1 });
    await evaluateWarnings(db, { now: at(10), config: config() });
    await evaluateWarnings(db, { now: at(10 + HOLD_SECONDS - 1), config: config() });
    expect(await warningsOf(account.id)).toEqual([]);

    const held = await evaluateWarnings(db, { now: at(10 + HOLD_SECONDS), config: config() });
    expect(held.raised.map((warning) => warning.kind)).toEqual(["needs_reauth"]);
    // An eBay outage on top of the dead token neither re-raises nor heals it.
    await setStatus(account.id, "ebay_unavailable", { failureStreak: 2 });
    await evaluateWarnings(db, { now: at(10 + HOLD_SECONDS + 60), config: config() });
    await setStatus(account.id, "needs_reauth", { failureStreak: 3 });
    await evaluateWarnings(db, { now: at(10 + HOLD_SECONDS + 120), config: config() });
    const alerts = await warningsOf(account.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: "needs_reauth", resolvedAt: null, fixPath: `/accounts/${account.id}` });
    expect(alerts[0]!.title).toContain("seller_");
    expect(alerts[0]!.message).toContain("Re-create token");

    await setStatus(account.id, "healthy");
    const healed = await evaluateWarnings(db, { now: at(10 + HOLD_SECONDS + 180), config: config() });
    expect(healed.raised.map((warning) => warning.kind)).toEqual(["recovered"]);
    const after = await warningsOf(account.id);
    expect(after.map((warning) => [warning.kind, warning.resolvedAt !== null])).toEqual([
      ["needs_reauth", true],
      ["recovered", true],
    ]);
    await evaluateWarnings(db, { now: at(10 + HOLD_SECONDS + 240), config: config() });
    expect(await warningsOf(account.id)).toHaveLength(2);
  });

  it("alerts needs re-authorization at once when seen on two consecutive checks", async () => {
    const account = await createAccount();
    await setStatus(account.id, "needs_reauth", { failureStreak: 1 });
    await evaluateWarnings(db, { now: at(0), config: config() });
    expect(await warningsOf(account.id)).toEqual([]);
    await setStatus(account.id, "needs_reauth", { failureStreak: 2 });
    await evaluateWarnings(db, { now: at(5), config: config() });
    expect((await warningsOf(account.id)).map((warning) => warning.kind)).toEqual(["needs_reauth"]);
  });

  it("raises one warning when two processes evaluate the same held state at once", async () => {
    const account = await createAccount();
    await setStatus(account.id, "needs_reauth", { failureStreak: 2 });
    const second = createDbClient(database.url);
    try {
      for (let round = 0; round < 5; round++) {
        await Promise.all([
          evaluateWarnings(db, { now: at(round), config: config(), workspaceId }),
          evaluateWarnings(second, { now: at(round), config: config(), workspaceId }),
        ]);
      }
    } finally {
      await second.$disconnect();
    }
    expect((await warningsOf(account.id)).map((warning) => warning.kind)).toEqual(["needs_reauth"]);
  });
});

describe("evaluateWarnings: expiry thresholds", () => {
  it("warns once at the workspace window, once in the final week, and starts over after a re-create", async () => {
    await db.workspaceAlertSettings.create({ data: { workspaceId, warningDays: 30 } });
    const account = await createAccount({ refreshTokenExpiresAt: new Date(t0.getTime() + 40 * DAY_MS) });
    await evaluateWarnings(db, { now: t0, config: config() });
    expect(await warningsOf(account.id)).toEqual([]);

    await evaluateWarnings(db, { now: new Date(t0.getTime() + 11 * DAY_MS), config: config() });
    await evaluateWarnings(db, { now: new Date(t0.getTime() + 12 * DAY_MS), config: config() });
    let warnings = await warningsOf(account.id);
    expect(warnings.map((warning) => warning.kind)).toEqual(["expiring"]);
    expect(warnings[0]!.title).toContain("expires in 29 days");

    await evaluateWarnings(db, { now: new Date(t0.getTime() + 35 * DAY_MS), config: config() });
    warnings = await warningsOf(account.id);
    expect(warnings.map((warning) => [warning.kind, warning.resolvedAt !== null])).toEqual([
      ["expiring", true],
      ["expiring", false],
    ]);
    expect(warnings[1]!.title).toContain("expires in 5 days");

    // Re-created: a new 18-month expiry. The open warning resolves; nothing new is raised.
    await db.ebayAccount.update({ where: { id: account.id }, data: { refreshTokenExpiresAt: new Date(t0.getTime() + 600 * DAY_MS) } });
    await evaluateWarnings(db, { now: new Date(t0.getTime() + 36 * DAY_MS), config: config() });
    expect((await warningsOf(account.id)).every((warning) => warning.resolvedAt !== null)).toBe(true);
  });

  it("sends only the tightest threshold when first seen inside the final week", async () => {
    const account = await createAccount({ refreshTokenExpiresAt: new Date(t0.getTime() + 3 * DAY_MS) });
    await evaluateWarnings(db, { now: t0, config: config() });
    const warnings = await warningsOf(account.id);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.dedupeKey).toMatch(/:7$/);
  });
});

describe("delivery (the deliver-warning job)", () => {
  let smtp: SmtpTestServer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp?.close();
  });

  // Addresses that confirmed by the emailed link (lib/warnings/alert-recipients.ts): only those receive warnings.
  const confirmedRecipients = (emails: string[]) =>
    db.alertRecipient.createMany({ data: emails.map((email) => ({ workspaceId, email, status: "confirmed" })), skipDuplicates: true });

  const deliver = (warningId: string, seconds: number, options: { deliveryConfig?: WarningConfig; lastAttempt?: boolean } = {}) =>
    deliverWarning(db, {
      warningId,
      now: at(seconds),
      config: options.deliveryConfig ?? config(),
      lastAttempt: options.lastAttempt ?? false,
    });

  it("is queued with the warning it delivers, in the same transaction", async () => {
    const account = await createAccount();
    await setStatus(account.id, "needs_reauth", { failureStreak: 2 });
    await evaluateWarnings(db, { now: at(0), config: config() });
    const [warning] = await warningsOf(account.id);
    const jobs = await database.query<{ key: string; max_attempts: number }>(
      "SELECT key, max_attempts FROM graphile_worker._private_jobs WHERE key = $1",
      [`deliver-warning:${warning!.id}`],
    );
    expect(jobs).toEqual([{ key: `deliver-warning:${warning!.id}`, max_attempts: WARNING_DELIVERY_ATTEMPTS }]);
  });

  it("emails the recipients once; a further run of the job sends nothing", async () => {
    smtp.clear();
    await db.workspaceAlertSettings.create({ data: { workspaceId, emailRecipients: "ops@example.test, owner@example.test" } });
    await confirmedRecipients(["ops@example.test", "owner@example.test"]);
    const account = await createAccount();
    await setStatus(account.id, "needs_reauth", { failureStreak: 2 });
    const deliveryConfig = config({ smtpUrl: smtp.url });
    await evaluateWarnings(db, { now: at(0), config: deliveryConfig });
    const [raised] = await warningsOf(account.id);

    expect(await deliver(raised!.id, 1, { deliveryConfig })).toEqual({ emailed: true, stillDue: false, deliveryError: null });
    // One message per confirmed address, each with its own unsubscribe link.
    const mail = await smtp.waitForMail((candidate) => candidate.to.includes("ops@example.test"));
    expect(smtp.messages.map((message) => message.to)).toEqual([["ops@example.test"], ["owner@example.test"]]);
    expect(mail.text).toMatch(/Stop these emails: https:\/\/app\.channelkeys\.test\/alerts\/unsubscribe\?token=/);
    expect(mail.from).toBe("alerts@channelkeys.test");
    expect(mail.subject).toBe(`[ChannelKeys] ${account.ebayUsername}: needs re-authorization`);
    expect(mail.text).toContain(`eBay account: ${account.ebayUsername}`);
    expect(mail.text).toContain("Workspace: Acme Sellers");
    expect(mail.text).toContain("The seller's eBay account revoked ChannelKeys' access");
    expect(mail.text).toContain(`Fix it (Re-create token): https://app.channelkeys.test/accounts/${account.id}`);

    // Settled: a further run of the job sends nothing.
    expect(await deliver(raised!.id, 120, { deliveryConfig })).toBeNull();
    expect(smtp.messages).toHaveLength(2);
    expect((await warningsOf(account.id))[0]).toMatchObject({ emailedAt: at(1), deliverySettledAt: at(1), deliveryError: null });
  });

  it("asks the queue to retry while the email is still due, and settles as given up after the last attempt", async () => {
    await db.workspaceAlertSettings.create({ data: { workspaceId, emailRecipients: "ops@example.test" } });
    await confirmedRecipients(["ops@example.test"]);
    const warning = await db.warning.create({ data: { workspaceId, kind: "expiring", title: "Down", message: "m", dedupeKey: "down:1", createdAt: at(0) } });
    const job = (attempts: number) => ({ job: { attempts, max_attempts: WARNING_DELIVERY_ATTEMPTS } }) as Parameters<typeof runDeliverWarningJob>[2];
    // Nothing listens on port 9 here: every attempt fails to connect.
    process.env.SMTP_URL = "smtp://127.0.0.1:9";
    try {
      await expect(runDeliverWarningJob(db, { warningId: warning.id }, job(1))).rejects.toBeInstanceOf(RetryLater);
      const pending = await db.warning.findUniqueOrThrow({ where: { id: warning.id } });
      expect(pending.deliverySettledAt).toBeNull();
      expect(pending.deliveryError).toMatch(/^Email: /);
      // The last attempt fails too: no further retry, the warning says it was given up.
      await expect(runDeliverWarningJob(db, { warningId: warning.id }, job(WARNING_DELIVERY_ATTEMPTS))).rejects.toBeInstanceOf(RetryLater);
      const settled = await db.warning.findUniqueOrThrow({ where: { id: warning.id } });
      expect(settled.deliverySettledAt).not.toBeNull();
      expect(settled.deliveryError).toMatch(/^Email: .*\(gave up after repeated attempts\)$/);
    } finally {
      delete process.env.SMTP_URL;
    }
  });

  it("emails the workspace owners until recipients are chosen, once they confirmed", async () => {
    smtp.clear();
    const account = await createAccount();
    await setStatus(account.id, "needs_reauth", { failureStreak: 2 });
    await evaluateWarnings(db, { now: at(0), config: config() });
    const [warning] = await warningsOf(account.id);
    const deliveryConfig = config({ smtpUrl: smtp.url });
    await deliver(warning!.id, 1, { deliveryConfig });
    // First the owner is asked to confirm; the warning waits for no one (it is settled: nobody confirmed yet).
    const request = await smtp.waitForMail((candidate) => candidate.subject.includes("Confirm alerts"));
    expect(request.to).toEqual(["owner@example.test"]);
    const token = /\/alerts\/confirm\?token=([A-Za-z0-9_-]+)/.exec(request.text)![1]!;
    expect(await confirmAlertRecipient(db, token)).toMatchObject({ ok: true });

    await setStatus(account.id, "healthy");
    await evaluateWarnings(db, { now: at(10), config: deliveryConfig });
    const recovered = (await warningsOf(account.id)).find((candidate) => candidate.kind === "recovered");
    await deliver(recovered!.id, 11, { deliveryConfig });
    const mail = await smtp.waitForMail((candidate) => candidate.text.includes(account.id));
    expect(mail.to).toEqual(["owner@example.test"]);
  });

  it("settles a warning with no channel set up at its first attempt", async () => {
    // No email server in this config.
    const warning = await db.warning.create({ data: { workspaceId, kind: "expiring", title: "Quiet", message: "m", dedupeKey: "quiet:1", createdAt: at(0) } });
    expect(await deliver(warning.id, 1)).toEqual({ emailed: false, stillDue: false, deliveryError: null });
    expect(await db.warning.findUniqueOrThrow({ where: { id: warning.id } })).toMatchObject({ deliverySettledAt: at(1), deliveryError: null });
  });

  it("two job runners over the same warnings send each email exactly once", async () => {
    smtp.clear();
    await db.workspaceAlertSettings.create({ data: { workspaceId, emailRecipients: "ops@example.test" } });
    await confirmedRecipients(["ops@example.test"]);
    const warningIds: string[] = [];
    for (let index = 0; index < 12; index++) {
      const warning = await db.warning.create({
        data: { workspaceId, kind: "expiring", title: `Race ${index}`, message: "m", dedupeKey: `race:${index}`, createdAt: at(index) },
      });
      await addJob(db, deliverWarningJob(warning.id));
      // Queued twice (a retry of the evaluation, say): the job key keeps it one job.
      await addJob(db, deliverWarningJob(warning.id));
      warningIds.push(warning.id);
    }
    Object.assign(process.env, { SMTP_URL: smtp.url, NEXTAUTH_URL: "https://app.channelkeys.test" });
    const runners = [await startTestJobRunner(database), await startTestJobRunner(database)];
    try {
      await runners[0]!.whenIdle();
    } finally {
      await Promise.all(runners.map((runner) => runner.stop()));
      delete process.env.SMTP_URL;
    }
    expect(smtp.messages.map((mail) => mail.subject).sort()).toEqual(warningIds.map((_, index) => `[ChannelKeys] Race ${index}`).sort());
    const rows = await db.warning.findMany({ where: { id: { in: warningIds } } });
    expect(rows.every((row) => row.emailedAt !== null && row.deliverySettledAt !== null)).toBe(true);
  });

});
