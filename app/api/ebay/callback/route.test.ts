// The eBay callback as the browser reaches it after consent: a real SQLite file, the real emulator
// over HTTP for the code exchange, and only the session (next-auth) replaced.
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

async function callback(query: Record<string, string>) {
  const url = new URL("http://localhost:3000/api/ebay/callback");
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const response = await route.GET(new NextRequest(url));
  const location = new URL(response.headers.get("location") ?? "", "http://localhost:3000");
  return { status: response.status, location };
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
  it("writes nothing for a callback without a state or with a state ChannelKeys never issued", async () => {
    session.userId = userId;
    const before = await database.db.auditEvent.count();
    expect((await callback({})).location.searchParams.get("error")).toBe("state_missing");
    expect((await callback({ error: "access_denied" })).location.searchParams.get("error")).toBe("state_missing");
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
});
