// Connection webhooks against real PostgreSQL and a real HTTP receiver on this machine: Standard Webhooks signatures
// checked with the standardwebhooks library, retries through the queue's job, redelivery with the same webhook-id,
// the SSRF guard, and the warning webhook of earlier releases moved by the migration with nothing lost.
import { cpSync, mkdtempSync, readdirSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { TEST_SERVER_URL_ENV, databaseUrlOn } from "@/test/support/test-postgres";
import { createDbClient, type Db } from "@/lib/db";
import { sealLegacyV1 } from "@/test/support/legacy-v1-cipher";
import { deployMigrations } from "@/scripts/db/migration-engine";
import { migrateDatabase } from "@/scripts/db/migrate-database";
import { DEFAULT_MIGRATIONS_DIR } from "@/scripts/db/migrations-directory";
import { deliverWebhook, queueWebhookEvent, redeliverWebhook, runDeliverWebhookJob, WEBHOOK_DELIVERY_ATTEMPTS } from "@/lib/webhooks/deliveries";
import { createWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { evaluateWarnings } from "@/lib/warnings/evaluate-warnings";
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from "@/lib/warnings/webhook";
import { warningConfigFromEnv, type WarningConfig } from "@/lib/upkeep/upkeep-config";
import { RetryLater } from "@/lib/jobs/retry-later";

let database: TestDatabase;
let db: Db;
let workspaceId: string;
let server: http.Server;
let url: string;
let answer = 200;
const received: Array<{ headers: Record<string, string>; body: string }> = [];
const actor = { userId: null, label: "test" };

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  workspaceId = (await db.workspace.create({ data: { name: "Hooks Inc" } })).id;
  server = http.createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      received.push({ headers: request.headers as Record<string, string>, body });
      response.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await database?.cleanup();
});
beforeEach(async () => {
  received.length = 0;
  answer = 200;
  await db.webhookEndpoint.deleteMany({});
});

const deliver = (deliveryId: string, lastAttempt = false, allowPrivateNetworks = true) => deliverWebhook(db, { deliveryId, lastAttempt, allowPrivateNetworks, timeoutMs: 2000 });

describe("deliveries", () => {
  it("are signed the Standard Webhooks way and only to subscribed, enabled endpoints", async () => {
    const { signingSecret } = await createWebhookEndpoint(db, { workspaceId, url, description: "", events: ["account.connected"], actor });
    await createWebhookEndpoint(db, { workspaceId, url: `${url}?other`, description: "", events: ["check_run.completed"], actor });
    // The secret is sealed at rest and left out of queries unless asked for.
    const [raw] = await database.query<{ signingSecret: string }>(`SELECT "signingSecret" FROM "WebhookEndpoint" WHERE url = $1`, [url]);
    expect(raw!.signingSecret).not.toContain(signingSecret.slice(6));
    expect(Object.keys((await db.webhookEndpoint.findFirstOrThrow({ where: { url } })) as object)).not.toContain("signingSecret");

    const [deliveryId, ...rest] = await queueWebhookEvent(db, { workspaceId, type: "account.connected", data: { account: { id: "a1", name: "shop" } } });
    expect(rest).toEqual([]);
    const jobs = await database.query<{ max_attempts: number }>("SELECT max_attempts FROM graphile_worker._private_jobs WHERE key = $1", [`deliver-webhook:${deliveryId}`]);
    expect(jobs).toEqual([{ max_attempts: WEBHOOK_DELIVERY_ATTEMPTS }]);

    expect(await deliver(deliveryId!)).toEqual({ status: "succeeded", statusCode: 200, error: null });
    expect(received).toHaveLength(1);
    const verified = new Webhook(signingSecret).verify(received[0]!.body, received[0]!.headers) as { type: string; data: unknown };
    expect(verified).toMatchObject({ type: "account.connected", data: { account: { id: "a1", name: "shop" } } });
    expect(received[0]!.headers["webhook-id"]).toMatch(/^msg_/);
    expect(() => new Webhook(`whsec_${randomBytes(32).toString("base64")}`).verify(received[0]!.body, received[0]!.headers)).toThrow();
    // Delivered: a further run sends nothing.
    expect(await deliver(deliveryId!)).toBeNull();
    expect(received).toHaveLength(1);
  });

  it("retry through the queue, keep each response code, give up after the last attempt, and redeliver with the same id", async () => {
    const { signingSecret } = await createWebhookEndpoint(db, { workspaceId, url, description: "", events: ["account.disconnected"], actor });
    const [deliveryId] = await queueWebhookEvent(db, { workspaceId, type: "account.disconnected", data: {} });
    answer = 503;
    const job = (attempts: number) => ({ job: { attempts, max_attempts: WEBHOOK_DELIVERY_ATTEMPTS } });
    process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = "1";
    try {
      await expect(runDeliverWebhookJob(db, { deliveryId }, job(1))).rejects.toBeInstanceOf(RetryLater);
      expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId! } })).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 503, lastError: "the webhook answered HTTP 503" });
      await runDeliverWebhookJob(db, { deliveryId }, job(WEBHOOK_DELIVERY_ATTEMPTS));
      expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId! } })).toMatchObject({ status: "failed", attempts: 2, lastStatusCode: 503 });

      answer = 202;
      expect(await redeliverWebhook(db, { workspaceId: "another-workspace", deliveryId: deliveryId! })).toBe(false);
      expect(await redeliverWebhook(db, { workspaceId, deliveryId: deliveryId! })).toBe(true);
      await runDeliverWebhookJob(db, { deliveryId }, job(1));
      expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId! } })).toMatchObject({ status: "succeeded", attempts: 3, lastStatusCode: 202 });
    } finally {
      delete process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS;
    }
    expect(new Set(received.map((delivery) => delivery.headers["webhook-id"])).size).toBe(1);
    for (const delivery of received) expect(() => new Webhook(signingSecret).verify(delivery.body, delivery.headers)).not.toThrow();
  });

  it("never reach a loopback endpoint unless private networks are allowed", async () => {
    await createWebhookEndpoint(db, { workspaceId, url, description: "", events: ["account.connected"], actor });
    const [deliveryId] = await queueWebhookEvent(db, { workspaceId, type: "account.connected", data: {} });
    expect(await deliver(deliveryId!, false, false)).toEqual({ status: "retry", statusCode: null, error: "the webhook endpoint could not be reached or did not answer in time" });
    expect(received).toHaveLength(0);
  });
});

describe("warnings as webhook events", () => {
  const warningConfig = (): WarningConfig => ({ ...warningConfigFromEnv({}), appUrl: "https://app.channelkeys.test", holdChecks: 1 });

  it("raising a warning queues its account.* event, with the fix link", async () => {
    const { signingSecret } = await createWebhookEndpoint(db, { workspaceId, url, description: "", events: ["account.needs_reauth"], actor });
    const account = await db.ebayAccount.create({
      data: { workspaceId, environment: "emulated", ebayUserId: "u-warn", ebayUsername: "warned_shop", status: "needs_reauth", statusCause: "revoked_by_user", verdictStatus: "needs_reauth", verdictCause: "revoked_by_user", failureStreak: 2 },
    });
    await evaluateWarnings(db, { now: new Date(), config: warningConfig(), workspaceId });
    const delivery = await db.webhookDelivery.findFirstOrThrow({ where: { eventType: "account.needs_reauth" } });
    await deliver(delivery.id);
    const body = new Webhook(signingSecret).verify(received[0]!.body, received[0]!.headers) as { type: string; data: Record<string, unknown> };
    expect(body).toMatchObject({
      type: "account.needs_reauth",
      data: { account: { id: account.id, name: "warned_shop" }, status: "needs_reauth", cause: "revoked_by_user", fixUrl: `https://app.channelkeys.test/accounts/${account.id}` },
    });
  });
});

describe("the warning webhook of earlier releases", () => {
  it("becomes an endpoint in the migration and keeps its body and X-ChannelKeys-Signature", async () => {
    const serverUrl = process.env[TEST_SERVER_URL_ENV]!;
    const name = `channelkeys_legacy_${randomBytes(5).toString("hex")}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const legacyUrl = databaseUrlOn(serverUrl, name);
    const legacyDb = createDbClient(legacyUrl);
    try {
      // The database as the release before this one left it (its migrations: those before teams_integrations).
      const before = mkdtempSync(path.join(os.tmpdir(), "channelkeys-legacy-"));
      const firstNew = readdirSync(DEFAULT_MIGRATIONS_DIR).find((entry) => entry.endsWith("_teams_integrations"))!;
      for (const entry of readdirSync(DEFAULT_MIGRATIONS_DIR)) {
        if (entry >= firstNew && entry !== "migration_lock.toml") continue;
        cpSync(path.join(DEFAULT_MIGRATIONS_DIR, entry), path.join(before, entry), { recursive: true });
      }
      await deployMigrations({ databaseUrl: legacyUrl, migrationsDir: before });
      const secret = "whsec_test_0123456789";
      const raw = new pg.Client({ connectionString: legacyUrl });
      await raw.connect();
      await raw.query(`INSERT INTO "Workspace" (id, name) VALUES ('w-legacy', 'Legacy Ltd')`);
      await raw.query(`INSERT INTO "WorkspaceAlertSettings" ("workspaceId", "emailRecipients", "webhookUrl", "webhookSecret", "updatedAt") VALUES ('w-legacy', 'ops@example.test', $1, $2, now())`, [url, sealLegacyV1(secret)]);
      await raw.end();

      // This release's migrations, as `npm start` applies them (the job queue's schema too).
      await migrateDatabase(legacyUrl);
      const endpoint = await legacyDb.webhookEndpoint.findFirstOrThrow({ where: { workspaceId: "w-legacy" }, omit: { signingSecret: false } });
      expect(endpoint).toMatchObject({ url, format: "legacy_warning", signingSecret: secret, disabledAt: null });
      expect(endpoint.events.sort()).toEqual(["account.expiring", "account.needs_reauth", "account.recovered", "account.unavailable"]);
      expect(await legacyDb.workspaceAlertSettings.findUniqueOrThrow({ where: { workspaceId: "w-legacy" } })).toMatchObject({ emailRecipients: "ops@example.test" });

      // A warning raised now reaches it in the old body, signed the old way and the Standard Webhooks way.
      const account = await legacyDb.ebayAccount.create({
        data: { workspaceId: "w-legacy", environment: "emulated", ebayUserId: "u-legacy", ebayUsername: "old_shop", status: "needs_reauth", statusCause: "revoked_by_user", verdictStatus: "needs_reauth", verdictCause: "revoked_by_user", failureStreak: 2 },
      });
      await evaluateWarnings(legacyDb, { now: new Date(), config: { ...warningConfigFromEnv({}), appUrl: "https://app.channelkeys.test", holdChecks: 1 }, workspaceId: "w-legacy" });
      const delivery = await legacyDb.webhookDelivery.findFirstOrThrow({ where: { endpointId: endpoint.id } });
      expect(await deliverWebhook(legacyDb, { deliveryId: delivery.id, lastAttempt: false, allowPrivateNetworks: true })).toMatchObject({ status: "succeeded" });
      const sent = received[0]!;
      const timestamp = sent.headers[TIMESTAMP_HEADER.toLowerCase()]!;
      expect(verifyWebhookSignature(secret, timestamp, sent.body, sent.headers[SIGNATURE_HEADER.toLowerCase()]!)).toBe(true);
      expect(sent.headers[DELIVERY_HEADER.toLowerCase()]).toBe(delivery.messageId);
      expect(() => new Webhook(secret, { format: "raw" }).verify(sent.body, sent.headers)).not.toThrow();
      expect(JSON.parse(sent.body)).toMatchObject({
        type: "needs_reauth",
        workspace: { id: "w-legacy", name: "Legacy Ltd" },
        account: { id: account.id, name: "old_shop" },
        status: "needs_reauth",
        cause: "revoked_by_user",
        fixUrl: `https://app.channelkeys.test/accounts/${account.id}`,
      });
      expect(JSON.parse(sent.body).text).toContain("old_shop");
    } finally {
      await legacyDb.$disconnect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });
});
