// Access tokens for the API, token import and re-authorization links, against a real PostgreSQL database and the real
// emulator over HTTP: one refresh for many simultaneous callers, eBay's "no" recorded once, imports keyed on the
// identity eBay names, and a link's consent guarded against the wrong eBay user and used once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/test/support/test-database";
import { startEmulator, type EmulatorHarness } from "@/test/support/emulator-harness";
import { connectTestAccount, createTestWorkspace, type TestWorkspace } from "@/test/support/connected-accounts";
import { setClockOffsetSeconds } from "@/lib/clock";
import { issueAccessToken } from "@/lib/accounts/issue-access-token";
import { importAccounts } from "@/lib/accounts/import-accounts";
import { consumeReauthLinkState, hashOAuthState } from "@/lib/accounts/oauth-state";
import { completeReauthLink, createReauthLink, findOpenReauthLink, revokeReauthLink, startReauthLinkConsent } from "@/lib/reauth-links/reauth-links";
import { exchangeAuthorizationCode } from "@/lib/ebay/oauth";
import type { Db } from "@/lib/db";

let emulator: EmulatorHarness;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
let workspace: TestWorkspace;
const apiActor = { userId: null, label: 'API key "test" (ck_000000000000)' };

beforeAll(async () => {
  emulator = await startEmulator();
  database = await createTestDatabase();
  db = database.db;
  workspace = await createTestWorkspace(db);
});
afterAll(async () => {
  setClockOffsetSeconds(0);
  await emulator?.close();
  await database?.cleanup();
});

async function refreshesOf(userId: string): Promise<number> {
  const calls = (await (await fetch(`${emulator.origin}/__emulator/calls`)).json()) as { refreshesByUserId: Record<string, number> };
  return calls.refreshesByUserId[userId] ?? 0;
}

/** Moves the app's clock and the emulator's together. */
async function advance(seconds: number, offset: { value: number }) {
  offset.value += seconds;
  setClockOffsetSeconds(offset.value);
  await emulator.advanceClock(seconds);
}

describe("issueAccessToken", () => {
  it("hands out the stored token while it has more than 5 minutes left, and refreshes once for 50 callers when it does not", async () => {
    const seller = await emulator.createSeller("issue");
    const accountId = await connectTestAccount(db, workspace, emulator.consent, seller.username);
    const stored = await issueAccessToken(db, { workspaceId: workspace.workspaceId, accountId, actor: apiActor });
    expect(stored).toMatchObject({ kind: "issued", refreshed: false, token: { ebayUserId: seller.userId, environment: "emulated" } });

    const offset = { value: 0 };
    await advance(2 * 3600 - 120, offset);
    try {
      const before = await refreshesOf(seller.userId);
      const results = await Promise.all(Array.from({ length: 50 }, () => issueAccessToken(db, { workspaceId: workspace.workspaceId, accountId, actor: apiActor })));
      expect(results.every((result) => result.kind === "issued")).toBe(true);
      const tokens = new Set(results.map((result) => (result.kind === "issued" ? result.token.accessToken : "")));
      expect(tokens.size).toBe(1);
      expect(tokens.has(stored.kind === "issued" ? stored.token.accessToken : "")).toBe(false);
      expect(await refreshesOf(seller.userId)).toBe(before + 1);
      const issued = await db.auditEvent.count({ where: { accountId, action: "token_issue", outcome: "success" } });
      expect(issued).toBe(51);
      expect(await db.auditEvent.count({ where: { accountId, action: "token_refresh" } })).toBe(1);
      const details = await db.auditEvent.findMany({ where: { accountId }, select: { detail: true, changes: true } });
      for (const token of tokens) expect(JSON.stringify(details)).not.toContain(token);
    } finally {
      setClockOffsetSeconds(0);
    }
  });

  it("answers needs_reauth with the cause when eBay refuses the refresh, and writes the verdict onto the account", async () => {
    const seller = await emulator.createSeller("dead");
    const accountId = await connectTestAccount(db, workspace, emulator.consent, seller.username);
    await emulator.revoke(seller.username, "REVOKED_BY_USER");
    await db.ebayAccount.update({ where: { id: accountId }, data: { accessTokenExpiresAt: new Date(Date.now() + 60_000) } });
    const result = await issueAccessToken(db, { workspaceId: workspace.workspaceId, accountId, actor: apiActor });
    expect(result).toMatchObject({ kind: "needs_reauth", accountId, cause: "revoked" });
    const account = await db.ebayAccount.findUniqueOrThrow({ where: { id: accountId } });
    expect(account).toMatchObject({ status: "needs_reauth", verdictStatus: "needs_reauth", statusCause: "revoked" });
    // The next caller is answered from the verdict without asking eBay.
    const before = await refreshesOf(seller.userId);
    expect(await issueAccessToken(db, { workspaceId: workspace.workspaceId, accountId, actor: apiActor })).toMatchObject({ kind: "needs_reauth" });
    expect(await refreshesOf(seller.userId)).toBe(before);
  });

  it("finds nothing of another workspace", async () => {
    const other = await createTestWorkspace(db);
    const seller = await emulator.createSeller("other");
    const accountId = await connectTestAccount(db, other, emulator.consent, seller.username);
    expect(await issueAccessToken(db, { workspaceId: workspace.workspaceId, accountId, actor: apiActor })).toEqual({ kind: "not_found" });
  });
});

describe("importAccounts", () => {
  async function refreshTokenOf(username: string): Promise<string> {
    const { code } = await emulator.consent(username);
    return (await exchangeAuthorizationCode(code)).refreshToken;
  }

  it("saves each token under the eBay identity eBay names, and refuses dead ones with their cause", async () => {
    const seller = await emulator.createSeller("imp");
    const dead = await emulator.createSeller("impdead");
    const good = await refreshTokenOf(seller.username);
    const revoked = await refreshTokenOf(dead.username);
    await emulator.revoke(dead.username, "REVOKED_BY_USER");
    const results = await importAccounts(db, {
      workspaceId: workspace.workspaceId,
      actor: apiActor,
      tokens: [{ refreshToken: good, nickname: "Shop", tags: ["eu"] }, { refreshToken: revoked }, { refreshToken: "v^1.1#i^1#not-a-token" }],
    });
    expect(results[0]).toMatchObject({ ok: true, created: true, ebayUserId: seller.userId, ebayUsername: seller.username });
    expect(results[1]).toMatchObject({ ok: false, status: "needs_reauth" });
    expect(results[2]).toMatchObject({ ok: false, status: "needs_reauth" });
    const row = await db.ebayAccount.findFirstOrThrow({ where: { workspaceId: workspace.workspaceId, ebayUserId: seller.userId }, omit: { refreshToken: false } });
    expect(row).toMatchObject({ nickname: "Shop", tags: ["eu"], status: "healthy", refreshToken: good });
    // The stored token is ciphertext.
    const [raw] = await database.query<{ refreshToken: string }>(`SELECT "refreshToken" FROM "EbayAccount" WHERE id = $1`, [row.id]);
    expect(raw!.refreshToken).not.toContain(good);
    expect(await db.ebayAccount.count({ where: { workspaceId: workspace.workspaceId, ebayUserId: dead.userId } })).toBe(0);

    // Importing the same eBay user again replaces its token on the same row.
    const again = await importAccounts(db, { workspaceId: workspace.workspaceId, actor: apiActor, tokens: [{ refreshToken: await refreshTokenOf(seller.username), tags: ["vip"] }] });
    expect(again[0]).toMatchObject({ ok: true, created: false, accountId: row.id });
    expect((await db.ebayAccount.findUniqueOrThrow({ where: { id: row.id } })).tags).toEqual(["eu", "vip"]);
  });
});

describe("re-authorization links", () => {
  async function consentThroughLink(token: string, username: string) {
    const started = await startReauthLinkConsent(db, token);
    if (!started.ok) throw new Error(started.reason);
    const state = new URL(started.authorizeUrl).searchParams.get("state")!;
    expect(new URL(started.authorizeUrl).searchParams.get("prompt")).toBe("login");
    const { code } = await emulator.consent(username, { state });
    const consumed = await consumeReauthLinkState(db, state);
    if (!consumed.ok) throw new Error(consumed.reason);
    return completeReauthLink(db, { state: consumed.record, code, ebayError: null });
  }

  it("re-creates only with the account's own eBay user, once; a wrong user leaves it usable", async () => {
    const seller = await emulator.createSeller("client");
    const stranger = await emulator.createSeller("stranger");
    const accountId = await connectTestAccount(db, workspace, emulator.consent, seller.username);
    await emulator.revoke(seller.username, "REVOKED_BY_USER");
    await db.ebayAccount.update({ where: { id: accountId }, data: { status: "needs_reauth", verdictStatus: "needs_reauth", statusCause: "revoked_by_user" } });
    const { token } = await createReauthLink(db, { workspaceId: workspace.workspaceId, accountId, expiresInDays: 7, actor: workspace.actor });
    // Only the hash is stored.
    expect(await db.reauthLink.count({ where: { tokenHash: token } })).toBe(0);

    expect(await consentThroughLink(token, stranger.username)).toMatchObject({ kind: "wrong_account", signedInAs: stranger.username });
    expect((await db.ebayAccount.findUniqueOrThrow({ where: { id: accountId } })).status).toBe("needs_reauth");
    expect(await findOpenReauthLink(db, token)).toMatchObject({ ok: true });

    expect(await consentThroughLink(token, seller.username)).toMatchObject({ kind: "recreated" });
    expect((await db.ebayAccount.findUniqueOrThrow({ where: { id: accountId } })).status).toBe("healthy");
    expect(await findOpenReauthLink(db, token)).toEqual({ ok: false, reason: "used" });
    expect(await startReauthLinkConsent(db, token)).toEqual({ ok: false, reason: "used" });
    const link = await db.reauthLink.findFirstOrThrow({ where: { accountId } });
    expect(link).toMatchObject({ outcome: "recreated" });
    expect(link.usedAt).not.toBeNull();
  });

  it("states are single use and a revoked or expired link opens nothing", async () => {
    const seller = await emulator.createSeller("rev");
    const accountId = await connectTestAccount(db, workspace, emulator.consent, seller.username);
    const { token, id } = await createReauthLink(db, { workspaceId: workspace.workspaceId, accountId, expiresInDays: 1, actor: workspace.actor });
    const started = await startReauthLinkConsent(db, token);
    if (!started.ok) throw new Error("not started");
    const state = new URL(started.authorizeUrl).searchParams.get("state")!;
    expect(await db.oAuthState.findUniqueOrThrow({ where: { stateHash: hashOAuthState(state) } })).toMatchObject({ userId: null, reauthLinkId: id, intent: "reauth_link" });
    expect(await consumeReauthLinkState(db, state)).toMatchObject({ ok: true });
    expect(await consumeReauthLinkState(db, state)).toEqual({ ok: false, reason: "reused" });
    await revokeReauthLink(db, { workspaceId: workspace.workspaceId, linkId: id, actor: workspace.actor });
    expect(await findOpenReauthLink(db, token)).toEqual({ ok: false, reason: "revoked" });

    const second = await createReauthLink(db, { workspaceId: workspace.workspaceId, accountId, expiresInDays: 1, actor: workspace.actor });
    setClockOffsetSeconds(86_401);
    try {
      expect(await findOpenReauthLink(db, second.token)).toEqual({ ok: false, reason: "expired" });
    } finally {
      setClockOffsetSeconds(0);
    }
    await expect(createReauthLink(db, { workspaceId: workspace.workspaceId, accountId, expiresInDays: 8, actor: workspace.actor })).rejects.toThrow(/1 to 7 days/);
  });
});
