// The eBay callback as the browser reaches it after consent (OAuth) or after the Auth'n'Auth sign-in: a real
// PostgreSQL database, the real emulator over HTTP for the code exchange, GetSessionID, the seller's sign-in and
// FetchToken, and only the session (next-auth) replaced.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { createTestDatabase } from "@/test/support/test-database";
import { startEmulator, type EmulatorHarness } from "@/test/support/emulator-harness";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) =>
  (await import("@/test/support/next-auth-session")).withSignedInUser(await importOriginal(), () => session.userId, "cb@example.test"),
);

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let emulator: EmulatorHarness;
let route: typeof import("./route");
let oauthState: typeof import("@/lib/accounts/oauth-state");
let workspaceId = "";
let userId = "";
let viewerId = "";

beforeAll(async () => {
  emulator = await startEmulator();
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  route = await import("./route");
  oauthState = await import("@/lib/accounts/oauth-state");
  const db = database.db;
  const user = await db.user.create({ data: { email: "cb@example.test", name: "cb", passwordHash: "x" } });
  const viewer = await db.user.create({ data: { email: "viewer@example.test", name: "v", passwordHash: "x" } });
  const workspace = await db.workspace.create({ data: { name: "CB" } });
  await db.membership.create({ data: { userId: user.id, workspaceId: workspace.id, role: "owner" } });
  await db.membership.create({ data: { userId: viewer.id, workspaceId: workspace.id, role: "viewer" } });
  userId = user.id;
  viewerId = viewer.id;
  workspaceId = workspace.id;
});
afterAll(async () => {
  await emulator?.close();
  await database?.cleanup();
});

async function newState(forUser = userId, intent: "connect" | "recreate" = "connect", accountId?: string) {
  return oauthState.createOAuthState(database.db, { workspaceId, userId: forUser, intent, accountId, environment: "emulated" });
}

async function callback(query: Record<string, string> | string, cookie?: string) {
  const url =
    typeof query === "string"
      ? new URL(query.replace(/^http:\/\/localhost:3000/, "http://localhost:3000"))
      : new URL("http://localhost:3000/api/ebay/callback");
  if (typeof query !== "string") for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const response = await route.GET(new NextRequest(url, cookie ? { headers: { cookie } } : {}));
  const location = new URL(response.headers.get("location") ?? "", "http://localhost:3000");
  return { status: response.status, location, setCookie: response.headers.get("set-cookie") };
}

/** The cookie a Set-Cookie header (or a CookieSpec) gives this browser, as a Cookie header. */
function cookieHeader(setCookie: string | null | { name: string; value: string }): string {
  if (setCookie === null) throw new Error("no cookie was set");
  if (typeof setCookie !== "string") return `${setCookie.name}=${encodeURIComponent(setCookie.value)}`;
  return setCookie.split(";")[0]!;
}

async function startAuthNAuth(intent: "connect" | "recreate" = "connect", accountId?: string) {
  const { startAuthNAuthSignIn } = await import("@/lib/accounts/authnauth-signin");
  return startAuthNAuthSignIn(database.db, { workspaceId, userId, intent, ...(accountId ? { accountId } : {}) });
}

async function connectOAuth(username: string) {
  const state = await newState();
  return callback({ state, code: (await emulator.consent(username, { state })).rawCode });
}

async function lastAudit() {
  return database.db.auditEvent.findFirst({ where: { workspaceId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
}

describe("GET /api/ebay/callback", () => {
  it("sends a signed-out browser to sign in and back here", async () => {
    session.userId = null;
    const { status, location } = await callback({ state: "s", code: "c" });
    expect(status).toBe(303);
    expect(location.pathname).toBe("/sign-in");
    expect(location.searchParams.get("callbackUrl")).toBe("/api/ebay/callback?state=s&code=c");
  });

  it("connects the account on a valid state and code, once", async () => {
    session.userId = userId;
    const seller = await emulator.createSeller("cb");
    const state = await newState();
    const { rawCode } = await emulator.consent(seller.username, { state });
    const first = await callback({ state, code: rawCode, expires_in: "299" });
    expect(first.location.pathname).toBe("/accounts");
    expect(first.location.searchParams.get("notice")).toBe("connected");
    expect(await database.db.ebayAccount.count({ where: { workspaceId, ebayUserId: seller.userId } })).toBe(1);

    const replay = await callback({ state, code: rawCode });
    expect(replay.location.searchParams.get("error")).toBe("state_reused");
    expect(await lastAudit()).toMatchObject({ action: "oauth_state_rejected", outcome: "refused" });
  });

  it("records a declined consent and changes nothing", async () => {
    session.userId = userId;
    const before = await database.db.ebayAccount.count({ where: { workspaceId } });
    const { location } = await callback({ state: await newState(), error: "access_denied" });
    expect(location.searchParams.get("error")).toBe("declined");
    expect(await lastAudit()).toMatchObject({ action: "oauth_declined", outcome: "refused" });
    expect(await database.db.ebayAccount.count({ where: { workspaceId } })).toBe(before);
  });

  it("answers a bad code with a clear message and an audit entry", async () => {
    session.userId = userId;
    const { location } = await callback({ state: await newState(), code: "v^1.1#i^1#r^1#not-a-real-code" });
    expect(location.searchParams.get("error")).toBe("code_rejected");
    expect(await lastAudit()).toMatchObject({ action: "account_connect_failed", outcome: "failure" });
  });

  // Security review, finding 11: anyone can make a signed-in browser open this URL from another site. Only a state
  // this user was issued (which another site cannot know) may lead to a write.
  // A callback with neither state nor code is how eBay reports a decline (see the next tests): it reads as one and
  // changes nothing, so a site that forges it achieves only that notice.
  it("writes nothing for a callback without a state or with a state ChannelKeys never issued", async () => {
    session.userId = userId;
    const before = await database.db.auditEvent.count();
    expect((await callback({})).location.searchParams.get("error")).toBe("declined");
    expect((await callback({ error: "access_denied" })).location.searchParams.get("error")).toBe("declined");
    expect((await callback({ code: "x" })).location.searchParams.get("error")).toBe("state_missing");
    expect((await callback({ state: "made-up-by-another-site", code: "x" })).location.searchParams.get("error")).toBe("state_unknown");
    expect(await database.db.auditEvent.count()).toBe(before);
  });

  it("refuses a state issued to another user, a forged state, and a user who lost the permission", async () => {
    session.userId = userId;
    expect((await callback({ state: await newState(viewerId), code: "x" })).location.searchParams.get("error")).toBe("state_other_user");
    expect((await callback({ state: "forged", code: "x" })).location.searchParams.get("error")).toBe("state_unknown");
    expect((await callback({ code: "x" })).location.searchParams.get("error")).toBe("state_missing");

    session.userId = viewerId;
    const viewerState = await newState(viewerId);
    expect((await callback({ state: viewerState, code: "x" })).location.searchParams.get("error")).toBe("state_unknown");
  });

  it("refuses to re-create a row with another eBay user's consent", async () => {
    session.userId = userId;
    const owner = await emulator.createSeller("row");
    const other = await emulator.createSeller("intruder");
    const connectState = await newState();
    await callback({ state: connectState, code: (await emulator.consent(owner.username, { state: connectState })).rawCode });
    const account = await database.db.ebayAccount.findFirstOrThrow({ where: { workspaceId, ebayUserId: owner.userId } });

    const state = await newState(userId, "recreate", account.id);
    const { location } = await callback({ state, code: (await emulator.consent(other.username, { state })).rawCode });
    expect(location.pathname).toBe(`/accounts/${account.id}`);
    expect(location.searchParams.get("error")).toBe("wrong_account");
    expect(location.searchParams.get("signedInAs")).toBe(other.username);
    expect(await database.db.ebayAccount.count({ where: { workspaceId, ebayUserId: other.userId } })).toBe(0);
  });

  it("takes a decline that comes back without state or error (isAuthSuccessful=false, or nothing) as a decline", async () => {
    session.userId = userId;
    const before = await database.db.auditEvent.count();
    for (const query of [{ isAuthSuccessful: "false" }, {}, { error: "access_denied" }] as Record<string, string>[]) {
      const { location } = await callback(query);
      expect(location.pathname).toBe("/accounts");
      expect(location.searchParams.get("error")).toBe("declined");
    }
    // Without our state nothing says whose sign-in this was: nothing is written (a decline with it is, above).
    expect(await database.db.auditEvent.count()).toBe(before);
  });

  it("explains eBay's invalid_scope in the seller's words", async () => {
    session.userId = userId;
    const { location } = await callback({ state: await newState(), error: "invalid_scope" });
    expect(location.searchParams.get("error")).toBe("scope_invalid");
    const { describeNotice } = await import("@/lib/accounts/notices");
    expect(describeNotice({ error: "scope_invalid" })?.title).toBe("eBay refused the permissions ChannelKeys asked for");
  });
});

describe("GET /api/ebay/callback after an Auth'n'Auth sign-in", () => {
  it("connects an Auth'n'Auth token: GetSessionID, the seller agrees, FetchToken, GetUser; stored encrypted with its hard expiry", async () => {
    session.userId = userId;
    const seller = await emulator.createSeller("anaconn");
    const { signInUrl, cookie } = await startAuthNAuth();
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/api/ebay/callback" });
    const back = await emulator.authNAuthSignIn(signInUrl, seller.username);
    const { location, setCookie } = await callback(back, cookieHeader(cookie));
    expect(location.searchParams.get("notice")).toBe("connected_authnauth");
    expect(setCookie).toMatch(/Max-Age=0/);

    const account = await database.db.ebayAccount.findFirstOrThrow({ where: { workspaceId, ebayUsername: seller.username }, omit: { authNAuthToken: false } });
    expect(account).toMatchObject({ eiasToken: seller.eiasToken, authNAuthStatus: "healthy", status: "healthy", refreshTokenExpiresAt: null });
    expect(account.authNAuthToken).toMatch(/^AgAAAA/);
    const expected = new Date(await emulator.now());
    expected.setUTCMonth(expected.getUTCMonth() + 18);
    expect(Math.abs(account.authNAuthExpiresAt!.getTime() - expected.getTime())).toBeLessThan(10_000);
    const [stored] = await database.query<{ authNAuthToken: string }>(`SELECT "authNAuthToken" FROM "EbayAccount" WHERE id = $1`, [account.id]);
    expect(stored!.authNAuthToken).toMatch(/^v2\./);

    // The same seller's OAuth consent later joins the row (one account, both credentials) and tells its real userId.
    const joined = await connectOAuth(seller.username);
    expect(joined.location.searchParams.get("notice")).toBe("reconnected");
    const both = await database.db.ebayAccount.findFirstOrThrow({ where: { id: account.id } });
    expect(both).toMatchObject({ ebayUserId: seller.userId, oauthStatus: "healthy", authNAuthStatus: "healthy", status: "healthy" });
    expect(await database.db.ebayAccount.count({ where: { workspaceId, eiasToken: seller.eiasToken } })).toBe(1);
  });

  it("adds an Auth'n'Auth token to the row of a seller connected through OAuth", async () => {
    session.userId = userId;
    const seller = await emulator.createSeller("anaadd");
    await connectOAuth(seller.username);
    const { signInUrl, cookie } = await startAuthNAuth();
    const { location } = await callback(await emulator.authNAuthSignIn(signInUrl, seller.username), cookieHeader(cookie));
    expect(location.searchParams.get("notice")).toBe("authnauth_added");
    const account = await database.db.ebayAccount.findFirstOrThrow({ where: { workspaceId, ebayUserId: seller.userId } });
    expect(account.authNAuthExpiresAt).toBeInstanceOf(Date);
    expect(account.refreshTokenExpiresAt).toBeInstanceOf(Date);
  });

  it("records a declined Auth'n'Auth sign-in (eBay sends nothing back) and changes nothing", async () => {
    session.userId = userId;
    const seller = await emulator.createSeller("anadecl");
    const before = await database.db.ebayAccount.count({ where: { workspaceId } });
    const { signInUrl, cookie } = await startAuthNAuth();
    const back = await emulator.authNAuthSignIn(signInUrl, seller.username, { decline: true });
    expect(new URL(back).search).toBe("");
    const { location } = await callback(back, cookieHeader(cookie));
    expect(location.searchParams.get("error")).toBe("declined");
    expect(await lastAudit()).toMatchObject({ action: "oauth_declined", detail: "The Auth'n'Auth sign-in was declined on eBay." });
    expect(await database.db.ebayAccount.count({ where: { workspaceId } })).toBe(before);
  });

  it("refuses a sign-in this browser did not start (no cookie), and a cookie used twice", async () => {
    session.userId = userId;
    const seller = await emulator.createSeller("anacookie");
    const { signInUrl, cookie } = await startAuthNAuth();
    const back = await emulator.authNAuthSignIn(signInUrl, seller.username);
    expect((await callback(back)).location.searchParams.get("error")).toBe("state_missing");
    expect((await callback(back, cookieHeader(cookie))).location.searchParams.get("notice")).toBe("connected_authnauth");
    expect((await callback(back, cookieHeader(cookie))).location.searchParams.get("error")).toBe("state_reused");
  });

  it("re-creates an Auth'n'Auth token only for the row's own seller (EIAS token or UserID), revoking a stranger's", async () => {
    session.userId = userId;
    const owner = await emulator.createSeller("anaown");
    const stranger = await emulator.createSeller("anastr");
    const first = await startAuthNAuth();
    await callback(await emulator.authNAuthSignIn(first.signInUrl, owner.username), cookieHeader(first.cookie));
    const account = await database.db.ebayAccount.findFirstOrThrow({ where: { workspaceId, eiasToken: owner.eiasToken }, omit: { authNAuthToken: false } });

    const wrong = await startAuthNAuth("recreate", account.id);
    const refused = await callback(await emulator.authNAuthSignIn(wrong.signInUrl, stranger.username), cookieHeader(wrong.cookie));
    expect(refused.location.pathname).toBe(`/accounts/${account.id}`);
    expect(refused.location.searchParams.get("error")).toBe("wrong_account");
    expect(refused.location.searchParams.get("signedInAs")).toBe(stranger.username);
    const unchanged = await database.db.ebayAccount.findFirstOrThrow({ where: { id: account.id }, omit: { authNAuthToken: false } });
    expect(unchanged.authNAuthToken).toBe(account.authNAuthToken);
    const calls = await emulator.control<{ byTradingCall: Record<string, number> }>("GET", "calls");
    expect(calls.byTradingCall.RevokeToken).toBeGreaterThanOrEqual(1);

    const right = await startAuthNAuth("recreate", account.id);
    const renewed = await callback(await emulator.authNAuthSignIn(right.signInUrl, owner.username), cookieHeader(right.cookie));
    expect(renewed.location.searchParams.get("notice")).toBe("recreated_authnauth");
    const after = await database.db.ebayAccount.findFirstOrThrow({ where: { id: account.id }, omit: { authNAuthToken: false } });
    expect(after.authNAuthToken).not.toBe(account.authNAuthToken);
  });

  it("re-creates both tokens in one pass: OAuth consent, then straight on to eBay's Auth'n'Auth sign-in", async () => {
    session.userId = userId;
    const seller = await emulator.createSeller("anaboth");
    await connectOAuth(seller.username);
    const ana = await startAuthNAuth();
    await callback(await emulator.authNAuthSignIn(ana.signInUrl, seller.username), cookieHeader(ana.cookie));
    const account = await database.db.ebayAccount.findFirstOrThrow({ where: { workspaceId, ebayUserId: seller.userId }, omit: { authNAuthToken: false, refreshToken: false } });
    await emulator.revoke(seller.username, "REVOKED_BY_USER");

    const state = await oauthState.createOAuthState(database.db, { workspaceId, userId, intent: "recreate", accountId: account.id, environment: "emulated", bothTokens: true });
    const oauthStep = await callback({ state, code: (await emulator.consent(seller.username, { state })).rawCode });
    // Not back to ChannelKeys' page yet: on to eBay's Auth'n'Auth sign-in, with this browser's state cookie.
    expect(oauthStep.location.origin).toBe(emulator.origin);
    expect(oauthStep.location.pathname).toBe("/ws/eBayISAPI.dll");
    const done = await callback(await emulator.authNAuthSignIn(oauthStep.location.toString(), seller.username), cookieHeader(oauthStep.setCookie));
    expect(done.location.pathname).toBe(`/accounts/${account.id}`);
    expect(done.location.searchParams.get("notice")).toBe("recreated_both");
    const after = await database.db.ebayAccount.findFirstOrThrow({ where: { id: account.id }, omit: { authNAuthToken: false, refreshToken: false } });
    expect(after.refreshToken).not.toBe(account.refreshToken);
    expect(after.authNAuthToken).not.toBe(account.authNAuthToken);
    expect(after).toMatchObject({ oauthStatus: "healthy", authNAuthStatus: "healthy", status: "healthy" });
  });
});
