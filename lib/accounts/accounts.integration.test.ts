// Connect, Test, re-create and disconnect against a real PostgreSQL database and the real emulator over HTTP.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/test/support/test-database";
import { startEmulator, type EmulatorHarness } from "@/test/support/emulator-harness";
import { setClockOffsetSeconds } from "@/lib/clock";
import { consumeOAuthState, createOAuthState } from "@/lib/accounts/oauth-state";
import { completeOAuth } from "@/lib/accounts/complete-oauth";
import { testAccount } from "@/lib/accounts/test-account";
import { disconnectAccount } from "@/lib/accounts/disconnect-account";
import type { Db } from "@/lib/db";

let emulator: EmulatorHarness;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
let workspaceId: string;
let userId: string;
const actor = () => ({ userId, label: "owner@example.test" });

beforeAll(async () => {
  emulator = await startEmulator();
  database = await createTestDatabase();
  db = database.db;
  const user = await db.user.create({ data: { email: "owner@example.test", name: "Owner", passwordHash: "x" } });
  const workspace = await db.workspace.create({
    data: { name: "Owner's workspace", memberships: { create: { userId: user.id, role: "owner" } } },
  });
  userId = user.id;
  workspaceId = workspace.id;
});
afterAll(async () => {
  setClockOffsetSeconds(0);
  await emulator?.close();
  await database?.cleanup();
});
beforeEach(async () => {
  await emulator.clearFaults();
});

async function consentAndComplete(username: string, intent: "connect" | "recreate" = "connect", accountId?: string) {
  const state = await createOAuthState(db, { workspaceId, userId, intent, accountId, environment: "emulated" });
  const { code } = await emulator.consent(username, { state });
  const consumed = await consumeOAuthState(db, state, userId);
  if (!consumed.ok) throw new Error(`state rejected: ${consumed.reason}`);
  return completeOAuth(db, { state: consumed.record, code, actor: actor() });
}

async function emulatorCalls(): Promise<{ refreshesByUsername: Record<string, number>; byGrantType: Record<string, number> }> {
  const response = await fetch(`${emulator.origin}/__emulator/calls`);
  return response.json();
}

describe("OAuth state", () => {
  it("is single use, bound to its user, and expires after 10 minutes", async () => {
    const state = await createOAuthState(db, { workspaceId, userId, intent: "connect", environment: "emulated" });
    expect(await consumeOAuthState(db, state, "someone-else")).toMatchObject({ ok: false, reason: "other_user" });
    expect(await consumeOAuthState(db, state, userId)).toMatchObject({ ok: true });
    expect(await consumeOAuthState(db, state, userId)).toMatchObject({ ok: false, reason: "reused" });
    expect(await consumeOAuthState(db, "never-issued", userId)).toMatchObject({ ok: false, reason: "unknown" });
    expect(await consumeOAuthState(db, null, userId)).toMatchObject({ ok: false, reason: "missing" });

    const old = await createOAuthState(db, { workspaceId, userId, intent: "connect", environment: "emulated" });
    setClockOffsetSeconds(601);
    try {
      expect(await consumeOAuthState(db, old, userId)).toMatchObject({ ok: false, reason: "expired" });
    } finally {
      setClockOffsetSeconds(0);
    }
  });

  it("lets exactly one of two racing callbacks claim a state", async () => {
    const state = await createOAuthState(db, { workspaceId, userId, intent: "connect", environment: "emulated" });
    const results = await Promise.all([consumeOAuthState(db, state, userId), consumeOAuthState(db, state, userId)]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
  });
});

describe("connect, Test, re-create, disconnect", () => {
  it("stores tokens encrypted, keys the account on eBay's userId and never duplicates it", async () => {
    const seller = await emulator.createSeller("conn");
    const first = await consentAndComplete(seller.username);
    expect(first).toMatchObject({ kind: "connected", reconnected: false, accountName: seller.username });
    const again = await consentAndComplete(seller.username);
    expect(again).toMatchObject({ kind: "connected", reconnected: true });
    if (first.kind !== "connected" || again.kind !== "connected") throw new Error("unreachable");
    expect(again.accountId).toBe(first.accountId);
    expect(await db.ebayAccount.count({ where: { workspaceId, ebayUserId: seller.userId } })).toBe(1);

    const [stored] = await database.query<{ accessToken: string; refreshToken: string }>(
      'SELECT "accessToken", "refreshToken" FROM "EbayAccount" WHERE "id" = $1',
      [first.accountId],
    );
    expect(stored!.refreshToken).not.toContain("v^1.1");
    expect(stored!.accessToken).not.toContain("v^1.1");
  });

  it("marks a revoked account for re-authorization, refuses a re-create by another eBay user, accepts the right one", async () => {
    const seller = await emulator.createSeller("rev");
    const intruder = await emulator.createSeller("other");
    const connected = await consentAndComplete(seller.username);
    if (connected.kind !== "connected") throw new Error("connect failed");
    const accountId = connected.accountId;

    const healthy = await testAccount(db, { workspaceId, accountId, actor: actor(), trigger: "manual" });
    expect(healthy.status).toBe("healthy");

    await emulator.revoke(seller.username, "REVOKED_BY_USER");
    const revoked = await testAccount(db, { workspaceId, accountId, actor: actor(), trigger: "manual" });
    expect(revoked.status).toBe("needs_reauth");
    const afterRevoke = await db.ebayAccount.findFirstOrThrow({ where: { id: accountId }, omit: { refreshToken: false } });
    expect(afterRevoke).toMatchObject({ status: "needs_reauth", verdictStatus: "needs_reauth" });

    const refused = await consentAndComplete(intruder.username, "recreate", accountId);
    expect(refused).toMatchObject({ kind: "wrong_account", signedInAs: intruder.username, accountName: seller.username });
    const untouched = await db.ebayAccount.findFirstOrThrow({ where: { id: accountId }, omit: { refreshToken: false } });
    expect(untouched.refreshToken).toBe(afterRevoke.refreshToken);
    expect(untouched.status).toBe("needs_reauth");

    const recreated = await consentAndComplete(seller.username, "recreate", accountId);
    expect(recreated).toMatchObject({ kind: "recreated", accountId });
    const retest = await testAccount(db, { workspaceId, accountId, actor: actor(), trigger: "manual" });
    expect(retest.status).toBe("healthy");

    const actions = await db.auditEvent.findMany({ where: { workspaceId, accountId }, orderBy: { createdAt: "asc" } });
    expect(actions.map((event) => event.action)).toEqual(
      expect.arrayContaining(["account_connect", "account_test", "account_recreate_failed", "account_recreate"]),
    );
  });

  it("keeps the last verdict when eBay is down, and never marks the token bad", async () => {
    const seller = await emulator.createSeller("down");
    const connected = await consentAndComplete(seller.username);
    if (connected.kind !== "connected") throw new Error("connect failed");
    await testAccount(db, { workspaceId, accountId: connected.accountId, actor: actor(), trigger: "manual" });

    await emulator.fault({ pathPrefix: "/commerce/identity", status: 503 });
    const result = await testAccount(db, { workspaceId, accountId: connected.accountId, actor: actor(), trigger: "manual" });
    expect(result.status).toBe("ebay_unavailable");
    const row = await db.ebayAccount.findFirstOrThrow({ where: { id: connected.accountId } });
    expect(row).toMatchObject({ status: "ebay_unavailable", verdictStatus: "healthy", failureStreak: 1 });

    await emulator.clearFaults();
    const recovered = await testAccount(db, { workspaceId, accountId: connected.accountId, actor: actor(), trigger: "manual" });
    expect(recovered.status).toBe("healthy");
    expect(await db.ebayAccount.findFirstOrThrow({ where: { id: connected.accountId } })).toMatchObject({
      status: "healthy",
      failureStreak: 0,
    });
  });

  it("refreshes an expired access token once even when two Tests race", async () => {
    const seller = await emulator.createSeller("race");
    const connected = await consentAndComplete(seller.username);
    if (connected.kind !== "connected") throw new Error("connect failed");
    await db.ebayAccount.updateMany({ where: { id: connected.accountId }, data: { accessTokenExpiresAt: new Date(0) } });
    const before = (await emulatorCalls()).refreshesByUsername[seller.username] ?? 0;

    const results = await Promise.all([
      testAccount(db, { workspaceId, accountId: connected.accountId, actor: actor(), trigger: "manual" }),
      testAccount(db, { workspaceId, accountId: connected.accountId, actor: actor(), trigger: "bulk" }),
    ]);
    expect(results.map((result) => result.status)).toEqual(["healthy", "healthy"]);
    const after = (await emulatorCalls()).refreshesByUsername[seller.username] ?? 0;
    expect(after - before).toBe(1);
  });

  it("disconnect deletes the tokens and keeps the history", async () => {
    const seller = await emulator.createSeller("bye");
    const connected = await consentAndComplete(seller.username);
    if (connected.kind !== "connected") throw new Error("connect failed");
    const result = await disconnectAccount(db, { workspaceId, accountId: connected.accountId, actor: actor() });
    expect(result).toMatchObject({ accountName: seller.username });
    const row = await db.ebayAccount.findFirstOrThrow({
      where: { id: connected.accountId },
      omit: { accessToken: false, refreshToken: false },
    });
    expect(row).toMatchObject({ status: "disconnected", accessToken: null, refreshToken: null });
    expect(await disconnectAccount(db, { workspaceId, accountId: connected.accountId, actor: actor() })).toBeNull();
    expect(await db.auditEvent.count({ where: { accountId: connected.accountId, action: "account_disconnect" } })).toBe(1);
    expect(await db.auditEvent.count({ where: { accountId: connected.accountId, action: "account_connect" } })).toBe(1);
  });

  it("never touches another workspace's account", async () => {
    const seller = await emulator.createSeller("tenant");
    const connected = await consentAndComplete(seller.username);
    if (connected.kind !== "connected") throw new Error("connect failed");
    const other = await db.workspace.create({ data: { name: "Other" } });
    await expect(
      testAccount(db, { workspaceId: other.id, accountId: connected.accountId, actor: actor(), trigger: "manual" }),
    ).rejects.toThrow(/not found/);
    expect(await disconnectAccount(db, { workspaceId: other.id, accountId: connected.accountId, actor: actor() })).toBeNull();
    expect((await db.ebayAccount.findFirstOrThrow({ where: { id: connected.accountId } })).status).toBe("healthy");
  });

  it("a refresh that finishes after a disconnect does not bring the token back", async () => {
    const seller = await emulator.createSeller("late");
    const connected = await consentAndComplete(seller.username);
    if (connected.kind !== "connected") throw new Error("connect failed");
    await db.ebayAccount.updateMany({ where: { id: connected.accountId }, data: { accessTokenExpiresAt: new Date(0) } });
    await emulator.fault({ pathPrefix: "/identity/v1/oauth2/token", latencyMs: 600, count: 1 });
    // eBay does not confirm the revocation (it may not honour it for OAuth grants), so the slow
    // refresh still succeeds at eBay after the disconnect.
    await emulator.fault({ pathPrefix: "/identity/v1/oauth2/token/revoke", status: 500 });

    const checking = testAccount(db, { workspaceId, accountId: connected.accountId, actor: actor(), trigger: "scheduler" });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await disconnectAccount(db, { workspaceId, accountId: connected.accountId, actor: actor() });
    await checking;

    const row = await db.ebayAccount.findFirstOrThrow({
      where: { id: connected.accountId },
      omit: { accessToken: false, refreshToken: false },
    });
    expect(row).toMatchObject({ status: "disconnected", accessToken: null, refreshToken: null, accessTokenExpiresAt: null });
  });

  it("a check judged on the old grant does not undo a re-create that finished meanwhile", async () => {
    const seller = await emulator.createSeller("undo");
    const connected = await consentAndComplete(seller.username);
    if (connected.kind !== "connected") throw new Error("connect failed");
    const accountId = connected.accountId;
    await emulator.revoke(seller.username, "REVOKED_BY_USER");
    await db.ebayAccount.updateMany({ where: { id: accountId }, data: { accessTokenExpiresAt: new Date(0) } });
    await emulator.fault({ pathPrefix: "/identity/v1/oauth2/token", latencyMs: 600, count: 1 });

    const checking = testAccount(db, { workspaceId, accountId, actor: actor(), trigger: "bulk" });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await consentAndComplete(seller.username, "recreate", accountId)).toMatchObject({ kind: "recreated" });
    const stale = await checking;
    expect(stale.status).toBe("needs_reauth");

    const row = await db.ebayAccount.findFirstOrThrow({ where: { id: accountId } });
    expect(row).toMatchObject({ status: "healthy", verdictStatus: "healthy" });
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { accountId, action: "account_test" },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
    expect(audit.detail).toContain("Not applied");
    expect(audit.changes).toBeNull();
    expect((await testAccount(db, { workspaceId, accountId, actor: actor(), trigger: "manual" })).status).toBe("healthy");
  });
});
