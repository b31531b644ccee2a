// Warnings from account states: no flapping, one warning per episode even with two evaluators, expiry
// thresholds, recovery notes; delivered to a real SMTP server on a local port and to a local HTTP
// webhook whose HMAC signature is verified. Real SQLite file throughout.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { startSmtpServer, type SmtpTestServer } from "@/test/support/smtp-server";
import { createDbClient, type Db } from "@/lib/db";
import { DELIVERY_HEADER } from "@/lib/warnings/webhook";
import { encryptToken } from "@/lib/crypto/token-cipher";
import { evaluateWarnings } from "@/lib/warnings/evaluate-warnings";
import { deliverPendingWarnings } from "@/lib/warnings/deliver-warnings";
import { verifyWebhookSignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "@/lib/warnings/webhook";
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
    webhookRetryBaseMs: 10,
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

describe("delivery", () => {
  let smtp: SmtpTestServer;
  let webhook: http.Server;
  let webhookUrl: string;
  const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  let failNextWebhooks = 0;
  /** Answer this late, so two racing deliverers really overlap. */
  let webhookDelayMs = 0;
  const secret = "whsec_test_0123456789";

  beforeAll(async () => {
    smtp = await startSmtpServer();
    webhook = http.createServer((request, response) => {
      let body = "";
      request.setEncoding("utf8");
      request.on("data", (chunk: string) => (body += chunk));
      request.on("end", () => {
        received.push({ headers: request.headers, body });
        setTimeout(() => {
          if (failNextWebhooks > 0) {
            failNextWebhooks -= 1;
            response.writeHead(503).end("busy");
          } else {
            response.writeHead(200).end("ok");
          }
        }, webhookDelayMs);
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
    webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hooks/channelkeys`;
  });
  afterAll(async () => {
    await smtp?.close();
    await new Promise((resolve) => webhook?.close(resolve));
  });

  it("emails the recipients and posts a signed webhook, retrying a failing webhook, exactly once each", async () => {
    smtp.clear();
    received.length = 0;
    await db.workspaceAlertSettings.create({
      data: { workspaceId, emailRecipients: "ops@example.test, owner@example.test", webhookUrl, webhookSecret: encryptToken(secret) },
    });
    const account = await createAccount();
    await setStatus(account.id, "needs_reauth", { failureStreak: 2 });
    const deliveryConfig = config({ smtpUrl: smtp.url });
    await evaluateWarnings(db, { now: at(0), config: deliveryConfig });
    failNextWebhooks = 1;

    const report = await deliverPendingWarnings(db, { now: at(1), config: deliveryConfig });
    expect(report).toEqual({ emailed: 1, webhooks: 1, failed: 0, completed: true });

    const mail = await smtp.waitForMail();
    expect(mail.to).toEqual(["ops@example.test", "owner@example.test"]);
    expect(mail.from).toBe("alerts@channelkeys.test");
    expect(mail.subject).toBe(`[ChannelKeys] ${account.ebayUsername}: needs re-authorization`);
    expect(mail.text).toContain(`eBay account: ${account.ebayUsername}`);
    expect(mail.text).toContain("Workspace: Acme Sellers");
    expect(mail.text).toContain("The seller's eBay account revoked ChannelKeys' access");
    expect(mail.text).toContain(`Fix it (Re-create token): https://app.channelkeys.test/accounts/${account.id}`);

    // First attempt answered 503, the retry got through; both carried a valid, fresh signature.
    expect(received).toHaveLength(2);
    for (const delivery of received) {
      const timestamp = String(delivery.headers[TIMESTAMP_HEADER.toLowerCase()]);
      const signature = String(delivery.headers[SIGNATURE_HEADER.toLowerCase()]);
      expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(secret, timestamp, delivery.body, signature)).toBe(true);
      expect(verifyWebhookSignature("another secret", timestamp, delivery.body, signature)).toBe(false);
      expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(300);
    }
    const payload = JSON.parse(received[1]!.body);
    expect(payload).toMatchObject({
      type: "needs_reauth",
      workspace: { id: workspaceId, name: "Acme Sellers" },
      account: { id: account.id, name: account.ebayUsername },
      status: "needs_reauth",
      cause: "revoked_by_user",
      fixUrl: `https://app.channelkeys.test/accounts/${account.id}`,
      sentAt: at(1).toISOString(),
    });
    expect(payload.text).toContain(account.ebayUsername!);
    expect(payload.text).toContain(payload.fixUrl);

    const again = await deliverPendingWarnings(db, { now: at(2), config: deliveryConfig });
    expect(again).toEqual({ emailed: 0, webhooks: 0, failed: 0, completed: true });
    expect(smtp.messages).toHaveLength(1);
    expect(received).toHaveLength(2);
    const [warning] = await warningsOf(account.id);
    expect(warning).toMatchObject({ emailedAt: at(1), webhookSentAt: at(1), deliveryError: null });
  });

  it("keeps a failed delivery pending with a readable error and sends it on a later sweep", async () => {
    smtp.clear();
    received.length = 0;
    await db.workspaceAlertSettings.create({ data: { workspaceId, emailRecipients: "ops@example.test", webhookUrl, webhookSecret: encryptToken(secret) } });
    const account = await createAccount();
    await setStatus(account.id, "needs_reauth", { failureStreak: 2 });
    const deliveryConfig = config({ smtpUrl: smtp.url, webhookAttempts: 2 });
    await evaluateWarnings(db, { now: at(0), config: deliveryConfig });

    failNextWebhooks = 2;
    const first = await deliverPendingWarnings(db, { now: at(1), config: deliveryConfig });
    expect(first).toEqual({ emailed: 1, webhooks: 0, failed: 1, completed: true });
    let [warning] = await warningsOf(account.id);
    expect(warning!.webhookSentAt).toBeNull();
    expect(warning!.deliveryError).toBe("Webhook: the webhook answered HTTP 503 (2 attempts)");

    const second = await deliverPendingWarnings(db, { now: at(60), config: deliveryConfig });
    expect(second).toEqual({ emailed: 0, webhooks: 1, failed: 0, completed: true });
    [warning] = await warningsOf(account.id);
    expect(warning).toMatchObject({ webhookSentAt: at(60), deliveryError: null });
    expect(smtp.messages).toHaveLength(1);
  });

  it("reports a webhook secret that can no longer be opened instead of failing the sweep", async () => {
    received.length = 0;
    await db.workspaceAlertSettings.create({ data: { workspaceId, webhookUrl, webhookSecret: "v1.gone.AAAA.BBBB.CCCC" } });
    const account = await createAccount();
    await setStatus(account.id, "needs_reauth", { failureStreak: 2 });
    await evaluateWarnings(db, { now: at(0), config: config() });
    expect(await deliverPendingWarnings(db, { now: at(1), config: config() })).toEqual({ emailed: 0, webhooks: 0, failed: 1, completed: true });
    const [warning] = await warningsOf(account.id);
    expect(warning!.deliveryError).toBe("Webhook: the signing secret can no longer be read; save a new one in Settings.");
    expect(received).toHaveLength(0);
  });

  it("emails the workspace owners until recipients are chosen", async () => {
    smtp.clear();
    const account = await createAccount();
    await setStatus(account.id, "needs_reauth", { failureStreak: 2 });
    await evaluateWarnings(db, { now: at(0), config: config() });
    await deliverPendingWarnings(db, { now: at(1), config: config({ smtpUrl: smtp.url }) });
    const mail = await smtp.waitForMail((candidate) => candidate.text.includes(account.id));
    expect(mail.to).toEqual(["owner@example.test"]);
  });

  it("two deliverers racing over the same warnings send each email and each webhook exactly once", async () => {
    smtp.clear();
    received.length = 0;
    await db.workspaceAlertSettings.create({ data: { workspaceId, emailRecipients: "ops@example.test", webhookUrl, webhookSecret: encryptToken(secret) } });
    const warningIds: string[] = [];
    for (let index = 0; index < 12; index++) {
      const warning = await db.warning.create({
        data: { workspaceId, kind: "expiring", title: `Race ${index}`, message: "m", dedupeKey: `race:${index}`, createdAt: at(index) },
      });
      warningIds.push(warning.id);
    }
    const deliveryConfig = config({ smtpUrl: smtp.url });
    const second = createDbClient(database.url);
    webhookDelayMs = 15;
    try {
      // Two processes' worth: separate connections, started together, neither knowing about the other.
      const reports = await Promise.all([
        deliverPendingWarnings(db, { now: at(100), config: deliveryConfig, owner: "process-a" }),
        deliverPendingWarnings(second, { now: at(100), config: deliveryConfig, owner: "process-b" }),
      ]);
      expect(reports[0]!.emailed + reports[1]!.emailed).toBe(12);
      expect(reports[0]!.webhooks + reports[1]!.webhooks).toBe(12);
    } finally {
      webhookDelayMs = 0;
      await second.$disconnect();
    }
    expect(smtp.messages.map((mail) => mail.subject).sort()).toEqual(warningIds.map((_, index) => `[ChannelKeys] Race ${index}`).sort());
    expect(received.map((delivery) => String(delivery.headers[DELIVERY_HEADER.toLowerCase()])).sort()).toEqual([...warningIds].sort());
    const rows = await db.warning.findMany({ where: { id: { in: warningIds } } });
    expect(rows.every((row) => row.emailedAt !== null && row.webhookSentAt !== null && row.deliverySettledAt !== null)).toBe(true);
    expect(rows.every((row) => row.deliveryClaimOwner === null && row.deliveryClaimUntil === null)).toBe(true);
    // Nothing left for anyone.
    expect(await deliverPendingWarnings(db, { now: at(200), config: deliveryConfig })).toEqual({ emailed: 0, webhooks: 0, failed: 0, completed: true });
  });

  it("does not send a warning another deliverer has claimed, and sends it once that claim has expired", async () => {
    received.length = 0;
    await db.workspaceAlertSettings.create({ data: { workspaceId, webhookUrl, webhookSecret: encryptToken(secret) } });
    const warning = await db.warning.create({
      data: {
        workspaceId,
        kind: "expiring",
        title: "Claimed",
        message: "m",
        dedupeKey: "claimed:1",
        createdAt: at(0),
        deliveryClaimOwner: "a crashed process",
        deliveryClaimUntil: new Date("2040-01-01T00:00:00Z"),
      },
    });
    const wall = (iso: string) => () => new Date(iso);
    expect(await deliverPendingWarnings(db, { now: at(1), config: config(), wallNow: wall("2039-12-31T23:59:00Z") })).toMatchObject({ webhooks: 0 });
    expect(received).toHaveLength(0);
    expect(await deliverPendingWarnings(db, { now: at(2), config: config(), wallNow: wall("2040-01-01T00:00:01Z") })).toMatchObject({ webhooks: 1 });
    expect(received).toHaveLength(1);
    expect(await db.warning.findUniqueOrThrow({ where: { id: warning.id } })).toMatchObject({ webhookSentAt: at(2), deliveryClaimOwner: null });
  });

  it("settles warnings with no channel set up, so hundreds of them never starve a newer deliverable one", async () => {
    received.length = 0;
    // A workspace with nowhere to send: no email server in this config, no webhook.
    const quiet = await db.workspace.create({ data: { name: "Quiet" } });
    await db.warning.createMany({
      data: Array.from({ length: 600 }, (_, index) => ({
        workspaceId: quiet.id,
        kind: "expiring",
        title: `Quiet ${index}`,
        message: "m",
        dedupeKey: `quiet:${index}`,
        createdAt: at(index),
      })),
    });
    await db.workspaceAlertSettings.create({ data: { workspaceId, webhookUrl, webhookSecret: encryptToken(secret) } });
    const loud = await db.warning.create({
      data: { workspaceId, kind: "needs_reauth", title: "Newest", message: "m", dedupeKey: "loud:1", createdAt: at(3600) },
    });

    const report = await deliverPendingWarnings(db, { now: at(3601), config: config() });
    expect(report).toEqual({ emailed: 0, webhooks: 1, failed: 0, completed: true });
    expect(received.map((delivery) => String(delivery.headers[DELIVERY_HEADER.toLowerCase()]))).toEqual([loud.id]);
    // Nothing was due for the quiet ones: they leave the pending set instead of being re-read every sweep.
    expect(await db.warning.count({ where: { workspaceId: quiet.id, deliverySettledAt: null } })).toBe(0);
    await db.workspace.delete({ where: { id: quiet.id } });
  });

  it("after a workspace's webhook fails, skips it for the rest of the sweep (one dead endpoint costs one timeout)", async () => {
    // A black hole: accepts the request and never answers.
    let blackHoleRequests = 0;
    const blackHole = http.createServer(() => void (blackHoleRequests += 1));
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    try {
      const blackHoleUrl = `http://127.0.0.1:${(blackHole.address() as AddressInfo).port}/hook`;
      await db.workspaceAlertSettings.create({ data: { workspaceId, webhookUrl: blackHoleUrl, webhookSecret: encryptToken(secret) } });
      for (let index = 0; index < 3; index++) {
        await db.warning.create({ data: { workspaceId, kind: "expiring", title: `Hole ${index}`, message: "m", dedupeKey: `hole:${index}`, createdAt: at(index) } });
      }
      const report = await deliverPendingWarnings(db, { now: at(10), config: config({ webhookTimeoutMs: 100, webhookAttempts: 2 }) });
      expect(report).toEqual({ emailed: 0, webhooks: 0, failed: 3, completed: true });
      // Both attempts went to the first warning; the other two waited for the next sweep.
      expect(blackHoleRequests).toBe(2);
      const rows = await db.warning.findMany({ where: { workspaceId } });
      expect(rows.map((row) => [row.webhookSentAt, row.deliverySettledAt, row.deliveryError])).toEqual(
        rows.map(() => [null, null, "Webhook: the webhook endpoint could not be reached or did not answer in time (2 attempts)"]),
      );
    } finally {
      blackHole.closeAllConnections();
      await new Promise((resolve) => blackHole.close(resolve));
    }
  });

  it("stops as soon as keepGoing says the sweep's lease is gone", async () => {
    received.length = 0;
    await db.workspaceAlertSettings.create({ data: { workspaceId, webhookUrl, webhookSecret: encryptToken(secret) } });
    for (let index = 0; index < 3; index++) {
      await db.warning.create({ data: { workspaceId, kind: "expiring", title: `Lease ${index}`, message: "m", dedupeKey: `lease:${index}`, createdAt: at(index) } });
    }
    let asked = 0;
    const report = await deliverPendingWarnings(db, { now: at(10), config: config(), keepGoing: async () => ++asked <= 1 });
    expect(report).toEqual({ emailed: 0, webhooks: 1, failed: 0, completed: false });
    expect(received).toHaveLength(1);
    expect(await db.warning.count({ where: { workspaceId, deliverySettledAt: null, deliveryClaimOwner: null } })).toBe(2);
  });

  it("refuses a loopback webhook unless private networks are enabled, with a coarse error and no request", async () => {
    received.length = 0;
    await db.workspaceAlertSettings.create({ data: { workspaceId, webhookUrl, webhookSecret: encryptToken(secret) } });
    const warning = await db.warning.create({ data: { workspaceId, kind: "expiring", title: "Private", message: "m", dedupeKey: "private:1", createdAt: at(0) } });
    const refused = await deliverPendingWarnings(db, { now: at(1), config: config(), allowPrivateWebhookTargets: false });
    expect(refused).toEqual({ emailed: 0, webhooks: 0, failed: 1, completed: true });
    expect(received).toHaveLength(0);
    expect((await db.warning.findUniqueOrThrow({ where: { id: warning.id } })).deliveryError).toBe(
      "Webhook: the webhook endpoint could not be reached or did not answer in time",
    );
    // The same target once enabled (the emulator / WEBHOOK_ALLOW_PRIVATE_NETWORKS switch).
    expect(await deliverPendingWarnings(db, { now: at(2), config: config(), allowPrivateWebhookTargets: true })).toMatchObject({ webhooks: 1 });
    expect(received).toHaveLength(1);
  });
});
