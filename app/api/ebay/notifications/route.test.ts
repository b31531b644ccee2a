// eBay's notifications end to end on this side: the real emulator sends them over HTTP (challenge, signed JSON, signed
// SOAP) to this route served by a plain node:http server on loopback, the jobs they queue run on the product's job
// runner against a real PostgreSQL database. Nothing on the route is replaced.
import { createServer, type Server } from "node:http";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { startEmulator, type EmulatorHarness } from "@/test/support/emulator-harness";
import { startTestJobRunner, waitFor } from "@/test/support/job-runner";
import { connectTestAccount, connectTestAuthNAuthToken, createTestWorkspace, type TestWorkspace } from "@/test/support/connected-accounts";
import type { JobRunner } from "@/lib/jobs/job-runner";
import { closeAdvisoryLockPools } from "@/lib/advisory-lock";

const VERIFICATION_TOKEN = "channelkeys-e2e-verification-token-0123456789abcdef";

let emulator: EmulatorHarness;
let database: TestDatabase;
let runner: JobRunner;
let server: Server;
let endpoint = "";
let route: typeof import("./route");
/** What the /capture path of the test server received: genuine signed messages to replay. */
const captured: Array<{ signature: string; body: Buffer }> = [];

type Delivery = { id: string; topic: string; state: string; attempts: Array<{ status: number | null; challenge?: { verified: boolean } }> };

beforeAll(async () => {
  emulator = await startEmulator({ notification: { retryDelaysMs: [200] } });
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  process.env.WARNING_EVALUATION_DELAY_MS = "0";
  route = await import("./route");
  server = createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const url = new URL(incoming.url ?? "/", endpoint);
    if (url.pathname === "/capture") {
      const challenge = url.searchParams.get("challenge_code");
      outgoing.setHeader("content-type", "application/json");
      if (challenge) {
        const captureUrl = `${new URL(endpoint).origin}/capture`;
        outgoing.end(JSON.stringify({ challengeResponse: createHash("sha256").update(challenge + VERIFICATION_TOKEN + captureUrl).digest("hex") }));
      } else {
        captured.push({ signature: String(incoming.headers["x-ebay-signature"]), body: Buffer.concat(chunks) });
        outgoing.statusCode = 204;
        outgoing.end();
      }
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === "string") headers.set(name, value);
    const request = new NextRequest(url, { method: incoming.method ?? "GET", headers, ...(incoming.method === "POST" ? { body: Buffer.concat(chunks) } : {}) });
    const response = incoming.method === "POST" ? await route.POST(request) : await route.GET(request);
    outgoing.writeHead(response.status, Object.fromEntries(response.headers));
    outgoing.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/ebay/notifications`;
  process.env.EBAY_NOTIFICATION_VERIFICATION_TOKEN = VERIFICATION_TOKEN;
  process.env.EBAY_NOTIFICATION_ENDPOINT_URL = endpoint;
  await emulator.control("POST", "notifications/destinations", {
    accountDeletion: { endpoint, verificationToken: VERIFICATION_TOKEN },
    authorizationRevocation: { endpoint, verificationToken: VERIFICATION_TOKEN },
    platformNotifications: { endpoint },
  });
  runner = await startTestJobRunner(database);
});

afterAll(async () => {
  await runner?.stop();
  await closeAdvisoryLockPools();
  await new Promise((resolve) => server?.close(resolve));
  await emulator?.close();
  await database?.cleanup();
});

beforeEach(() => {
  captured.length = 0;
});

async function deliveries(query: Record<string, string>): Promise<Delivery[]> {
  const search = new URLSearchParams({ waitMs: "5000", ...query });
  return (await emulator.control<{ deliveries: Delivery[] }>("GET", `notifications/deliveries?${search}`)).deliveries;
}

async function workspaceWith(): Promise<TestWorkspace> {
  return createTestWorkspace(database.db);
}

const consent = (username: string, options: { state: string }) => emulator.consent(username, options);

describe("GET /api/ebay/notifications?challenge_code", () => {
  it("answers eBay's challenge with hex(SHA-256(challengeCode + verificationToken + endpointURL))", async () => {
    const response = await fetch(`${endpoint}?challenge_code=abc123`);
    expect(response.status).toBe(200);
    const expected = createHash("sha256").update(`abc123${VERIFICATION_TOKEN}${endpoint}`).digest("hex");
    expect(await response.json()).toEqual({ challengeResponse: expected });
    expect((await fetch(endpoint)).status).toBe(404);
  });

  it("is switched off (404) when the endpoint is not configured", async () => {
    const saved = process.env.EBAY_NOTIFICATION_ENDPOINT_URL;
    delete process.env.EBAY_NOTIFICATION_ENDPOINT_URL;
    delete process.env.EBAY_NOTIFICATION_VERIFICATION_TOKEN;
    try {
      expect((await fetch(`${endpoint}?challenge_code=abc123`)).status).toBe(404);
    } finally {
      process.env.EBAY_NOTIFICATION_ENDPOINT_URL = saved;
      process.env.EBAY_NOTIFICATION_VERIFICATION_TOKEN = VERIFICATION_TOKEN;
    }
  });
});

describe("MARKETPLACE_ACCOUNT_DELETION", () => {
  it("verifies eBay's signature, answers 204, and deletes that eBay user's tokens and personal data in every workspace", async () => {
    const seller = await emulator.createSeller("deleted");
    const bystander = await emulator.createSeller("bystander");
    const first = await workspaceWith();
    const second = await workspaceWith();
    const firstId = await connectTestAccount(database.db, first, consent, seller.username);
    const secondId = await connectTestAccount(database.db, second, consent, seller.username);
    const otherId = await connectTestAccount(database.db, first, consent, bystander.username);

    const sent = await emulator.control<{ challenge: { verified: boolean }; delivery: { status: number } }>("POST", "notifications/account-deletion", {
      username: seller.username,
    });
    expect(sent.challenge.verified).toBe(true);
    expect(sent.delivery.status).toBe(204);

    await waitFor(async () => (await database.db.ebayAccount.count({ where: { id: { in: [firstId, secondId] } } })) === 0, 10_000);
    expect(await database.db.ebayAccount.count({ where: { id: otherId } })).toBe(1);
    for (const workspace of [first, second]) {
      const history = await database.db.auditEvent.findMany({ where: { workspaceId: workspace.workspaceId } });
      const text = JSON.stringify(history);
      expect(text).not.toContain(seller.username);
      expect(text).not.toContain(seller.userId);
      expect(history.find((event) => event.action === "ebay_account_deleted")).toMatchObject({ outcome: "info", accountName: null });
    }
    const notification = await database.db.ebayNotification.findFirstOrThrow({ where: { topic: "MARKETPLACE_ACCOUNT_DELETION" } });
    expect(notification.processedAt).toBeInstanceOf(Date);
    expect(JSON.stringify(notification)).not.toContain(seller.username);
  });

  it("refuses a forged signature with 412 and changes nothing", async () => {
    const seller = await emulator.createSeller("forged");
    const workspace = await workspaceWith();
    const accountId = await connectTestAccount(database.db, workspace, consent, seller.username);
    const sent = await emulator.control<{ delivery: { status: number } }>("POST", "notifications/account-deletion", { username: seller.username, forgeSignature: true });
    expect(sent.delivery.status).toBe(412);
    // A missing signature, and a genuine one over a changed body, are refused the same way.
    const bare = await fetch(endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(bare.status).toBe(412);
    await runner.whenIdle();
    expect(await database.db.ebayAccount.count({ where: { id: accountId } })).toBe(1);
  });

  it("works a repeated notificationId once", async () => {
    const seller = await emulator.createSeller("twice");
    const workspace = await workspaceWith();
    await connectTestAccount(database.db, workspace, consent, seller.username);
    // A genuine signed message, captured on its way to another endpoint, then delivered to ChannelKeys twice.
    const captureUrl = `${new URL(endpoint).origin}/capture`;
    await emulator.control("POST", "notifications/account-deletion", { username: seller.username, endpoint: captureUrl, verificationToken: VERIFICATION_TOKEN });
    expect(captured).toHaveLength(1);
    const { signature, body } = captured[0]!;
    const post = () => fetch(endpoint, { method: "POST", headers: { "content-type": "application/json", "x-ebay-signature": signature }, body: new Uint8Array(body) });
    expect((await post()).status).toBe(204);
    expect((await post()).status).toBe(204);
    await runner.whenIdle();
    const notificationId = (JSON.parse(body.toString("utf8")) as { notification: { notificationId: string } }).notification.notificationId;
    expect(await database.db.ebayNotification.count({ where: { notificationId } })).toBe(1);
    expect(await database.db.auditEvent.count({ where: { workspaceId: workspace.workspaceId, action: "ebay_account_deleted" } })).toBe(1);
  });
});

describe("AUTHORIZATION_REVOCATION (OAuth grants)", () => {
  it("turns the account 'needs re-authorization' with eBay's reason within seconds, without a Test, and warns", async () => {
    const seller = await emulator.createSeller("revoked");
    const workspace = await workspaceWith();
    const accountId = await connectTestAccount(database.db, workspace, consent, seller.username);
    await emulator.revoke(seller.username, "PASSWORD_CHANGE");
    const [delivery] = await deliveries({ topic: "AUTHORIZATION_REVOCATION", username: seller.username });
    expect(delivery).toMatchObject({ state: "delivered" });
    expect(delivery!.attempts.at(-1)!.status).toBe(204);

    await waitFor(async () => (await database.db.ebayAccount.findUniqueOrThrow({ where: { id: accountId } })).status === "needs_reauth", 10_000);
    const account = await database.db.ebayAccount.findUniqueOrThrow({ where: { id: accountId } });
    expect(account).toMatchObject({ statusCause: "password_changed", oauthStatus: "needs_reauth", oauthCause: "password_changed" });
    expect(await database.db.tokenCheck.count({ where: { accountId } })).toBe(0);
    const line = await database.db.auditEvent.findFirstOrThrow({ where: { accountId, action: "status_change" } });
    expect(line).toMatchObject({ actorLabel: "eBay (notification)", changes: { status: ["healthy", "needs_reauth"] } });
    // The workspace's warning evaluation ran: the revocation counts as held, so the warning is raised at once.
    await waitFor(async () => (await database.db.warning.count({ where: { accountId, kind: "needs_reauth" } })) === 1, 10_000);
  });

  it("refuses a forged one", async () => {
    const seller = await emulator.createSeller("forgedrev");
    const workspace = await workspaceWith();
    const accountId = await connectTestAccount(database.db, workspace, consent, seller.username);
    await emulator.control("POST", "notifications/authorization-revocation", { username: seller.username, forgeSignature: true });
    const [delivery] = await deliveries({ topic: "AUTHORIZATION_REVOCATION", username: seller.username });
    expect(delivery!.attempts.every((attempt) => attempt.status === 412)).toBe(true);
    expect((await database.db.ebayAccount.findUniqueOrThrow({ where: { id: accountId } })).status).toBe("healthy");
  });

  it("leaves a grant alone when the revocation predates it (the seller already re-created the token)", async () => {
    const seller = await emulator.createSeller("stale");
    const workspace = await workspaceWith();
    const accountId = await connectTestAccount(database.db, workspace, consent, seller.username);
    const { runEbayNotificationJob } = await import("@/lib/notifications/notification-task");
    await database.db.ebayNotification.create({ data: { notificationId: "stale-1", topic: "AUTHORIZATION_REVOCATION" } });
    await runEbayNotificationJob(database.db, {
      topic: "AUTHORIZATION_REVOCATION",
      notificationId: "stale-1",
      userId: seller.userId,
      revokeReason: "REVOKED_BY_USER",
      revokedAt: new Date(Date.now() - 86_400_000).toISOString(),
    });
    expect((await database.db.ebayAccount.findUniqueOrThrow({ where: { id: accountId } })).status).toBe("healthy");
    expect((await database.db.ebayNotification.findUniqueOrThrow({ where: { notificationId: "stale-1" } })).outcome).toContain("0 accounts");
  });
});

describe("TokenRevocation (Auth'n'Auth tokens, SOAP Platform Notification)", () => {
  it("verifies NotificationSignature and marks the account's Auth'n'Auth token revoked, with eBay's reason", async () => {
    const seller = await emulator.createSeller("anarev");
    const workspace = await workspaceWith();
    const accountId = await connectTestAccount(database.db, workspace, consent, seller.username);
    await connectTestAuthNAuthToken(database.db, workspace, (url, username) => emulator.authNAuthSignIn(url, username), seller.username);
    await emulator.revoke(seller.username, "REVOKED_BY_EBAY");
    const [soap] = await deliveries({ topic: "TokenRevocation", username: seller.username });
    expect(soap).toMatchObject({ state: "delivered" });
    expect(soap!.attempts.at(-1)!.status).toBe(200);

    await waitFor(async () => (await database.db.ebayAccount.findUniqueOrThrow({ where: { id: accountId } })).authNAuthStatus === "needs_reauth", 10_000);
    await waitFor(async () => (await database.db.ebayAccount.findUniqueOrThrow({ where: { id: accountId } })).oauthStatus === "needs_reauth", 10_000);
    const account = await database.db.ebayAccount.findUniqueOrThrow({ where: { id: accountId } });
    expect(account).toMatchObject({ status: "needs_reauth", authNAuthCause: "revoked_by_ebay", oauthCause: "revoked_by_ebay" });
  });

  it("refuses a forged NotificationSignature with 412, and ignores a revocation of another token of the seller", async () => {
    const seller = await emulator.createSeller("anaforge");
    const workspace = await workspaceWith();
    const accountId = await connectTestAuthNAuthToken(database.db, workspace, (url, username) => emulator.authNAuthSignIn(url, username), seller.username);
    await emulator.control("POST", "notifications/token-revocation", { username: seller.username, reason: "REVOKED_BY_USER", forgeSignature: true });
    const [forged] = await deliveries({ topic: "TokenRevocation", username: seller.username });
    expect(forged!.attempts.every((attempt) => attempt.status === 412)).toBe(true);
    expect((await database.db.ebayAccount.findUniqueOrThrow({ where: { id: accountId } })).authNAuthStatus).toBe("healthy");

    // Genuine, but about a token whose expiry is not the stored one: an older token of the same seller.
    const account = await database.db.ebayAccount.findUniqueOrThrow({ where: { id: accountId } });
    await database.db.ebayAccount.update({ where: { id: accountId }, data: { authNAuthExpiresAt: new Date(account.authNAuthExpiresAt!.getTime() + 86_400_000) } });
    await emulator.control("POST", "notifications/token-revocation", { username: seller.username, reason: "REVOKED_BY_USER" });
    const genuine = await deliveries({ topic: "TokenRevocation", username: seller.username });
    expect(genuine.at(-1)!.attempts.at(-1)!.status).toBe(200);
    await runner.whenIdle();
    expect((await database.db.ebayAccount.findUniqueOrThrow({ where: { id: accountId } })).authNAuthStatus).toBe("healthy");
  });
});

describe("two notices about one account at the same moment", () => {
  it("are both applied: the OAuth revocation and the Auth'n'Auth one do not drop each other", async () => {
    const seller = await emulator.createSeller("bothrev");
    const workspace = await workspaceWith();
    const accountId = await connectTestAccount(database.db, workspace, consent, seller.username);
    await connectTestAuthNAuthToken(database.db, workspace, (url, username) => emulator.authNAuthSignIn(url, username), seller.username);
    const account = await database.db.ebayAccount.findUniqueOrThrow({ where: { id: accountId } });
    const { runEbayNotificationJob } = await import("@/lib/notifications/notification-task");
    // Both jobs read the row before either writes: one compare-and-set loses and must apply its notice again.
    await Promise.all([
      runEbayNotificationJob(database.db, {
        topic: "AUTHORIZATION_REVOCATION",
        notificationId: "both-oauth",
        userId: seller.userId,
        revokeReason: "REVOKED_BY_USER",
        revokedAt: new Date().toISOString(),
      }),
      runEbayNotificationJob(database.db, {
        topic: "TokenRevocation",
        notificationId: "both-authnauth",
        eiasToken: account.eiasToken!,
        tokenStatus: "RevokedByUser",
        expiresAt: account.authNAuthExpiresAt!.toISOString(),
        revokedAt: new Date().toISOString(),
      }),
    ]);
    expect(await database.db.ebayAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({
      status: "needs_reauth",
      oauthStatus: "needs_reauth",
      authNAuthStatus: "needs_reauth",
    });
    expect(await database.db.auditEvent.count({ where: { accountId, action: "status_change" } })).toBe(2);
  });
});
