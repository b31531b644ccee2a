// The Auth'n'Auth and re-create server actions, called as the browser would call them, by each role and across
// workspaces: the database and eBay (the emulator over HTTP) are real; only Next's edges (session, cookies) are
// replaced, and the cookie jar is kept to see what the browser would be given.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase } from "@/test/support/test-database";
import { startEmulator, type EmulatorHarness } from "@/test/support/emulator-harness";
import { connectTestAccount, connectTestAuthNAuthToken, type TestWorkspace } from "@/test/support/connected-accounts";

const session = vi.hoisted(() => ({ userId: null as string | null }));
const jar = vi.hoisted(() => new Map<string, { value: string; options: Record<string, unknown> }>());

vi.mock("next-auth", async (importOriginal) =>
  (await import("@/test/support/next-auth-session")).withSignedInUser(await importOriginal(), () => session.userId, "x@example.test"),
);
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)!.value } : undefined),
    set: (name: string, value: string, options: Record<string, unknown>) => jar.set(name, { value, options }),
  }),
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

type Action = (input: unknown) => Promise<{ ok: boolean; code?: string; data?: unknown; error?: string }>;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let emulator: EmulatorHarness;
const users = { owner: "", admin: "", member: "", viewer: "", outsider: "" };
let home: TestWorkspace;
let other: TestWorkspace;
let oauthOnlyId = "";
let bothId = "";
let foreignId = "";
let connect: Action;
let recreate: Action;

beforeAll(async () => {
  emulator = await startEmulator();
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  const db = database.db;
  const homeWorkspace = await db.workspace.create({ data: { name: "Home" } });
  const otherWorkspace = await db.workspace.create({ data: { name: "Other" } });
  for (const role of ["owner", "admin", "member", "viewer"] as const) {
    const user = await db.user.create({ data: { email: `${role}@ana.test`, name: role, passwordHash: "x" } });
    await db.membership.create({ data: { userId: user.id, workspaceId: homeWorkspace.id, role } });
    users[role] = user.id;
  }
  const outsider = await db.user.create({ data: { email: "owner@other-ana.test", name: "outsider", passwordHash: "x" } });
  await db.membership.create({ data: { userId: outsider.id, workspaceId: otherWorkspace.id, role: "owner" } });
  users.outsider = outsider.id;
  home = { workspaceId: homeWorkspace.id, userId: users.owner, actor: { userId: users.owner, label: "owner@ana.test" } };
  other = { workspaceId: otherWorkspace.id, userId: outsider.id, actor: { userId: outsider.id, label: "owner@other-ana.test" } };

  const consent = (username: string, options: { state: string }) => emulator.consent(username, options);
  const signIn = (url: string, username: string) => emulator.authNAuthSignIn(url, username);
  oauthOnlyId = await connectTestAccount(db, home, consent, (await emulator.createSeller("oauthonly")).username);
  const both = await emulator.createSeller("both");
  bothId = await connectTestAccount(db, home, consent, both.username);
  await connectTestAuthNAuthToken(db, home, signIn, both.username);
  foreignId = await connectTestAuthNAuthToken(db, other, signIn, (await emulator.createSeller("foreign")).username);

  connect = (await import("./start-authnauth-connect")).startAuthNAuthConnectAction;
  recreate = (await import("./start-recreate-tokens")).startRecreateTokensAction;
});

afterAll(async () => {
  await emulator?.close();
  await database?.cleanup();
});

function as(user: keyof typeof users | null) {
  session.userId = user ? users[user] : null;
  jar.clear();
}

describe("startAuthNAuthConnectAction", () => {
  it("refuses a signed-out caller and roles below admin", async () => {
    as(null);
    expect(await connect({})).toMatchObject({ ok: false, code: "unauthenticated" });
    for (const role of ["viewer", "member"] as const) {
      as(role);
      expect(await connect({}), role).toMatchObject({ ok: false, code: "forbidden" });
    }
    as("admin");
    expect(await connect({ extra: 1 })).toMatchObject({ ok: false, code: "invalid_input" });
  });

  it("gets a SessionID from eBay, sends the browser to eBay's sign-in, and gives it the state as an HttpOnly callback cookie", async () => {
    as("admin");
    const result = await connect({});
    expect(result.ok).toBe(true);
    const url = new URL((result.data as { authorizeUrl: string }).authorizeUrl);
    expect(url.origin).toBe(emulator.origin);
    expect(url.pathname).toBe("/ws/eBayISAPI.dll");
    expect(url.searchParams.get("RuName")).toBe(emulator.config.ruName);
    expect(url.searchParams.get("SessID")).toBeTruthy();
    const cookie = jar.get("channelkeys_ebay_signin");
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(cookie?.options).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/api/ebay/callback", maxAge: 600 });
    // Only the state's hash is stored, and the SessionID is sealed like a token.
    const [row] = await database.query<{ stateHash: string; authNAuthSessionId: string; flow: string }>(
      `SELECT "stateHash", "authNAuthSessionId", "flow" FROM "OAuthState" ORDER BY "createdAt" DESC LIMIT 1`,
    );
    expect(row!.flow).toBe("authnauth");
    expect(row!.stateHash).not.toBe(cookie!.value);
    expect(row!.authNAuthSessionId).toMatch(/^v2\./);
  });
});

describe("startRecreateTokensAction", () => {
  it("refuses roles below admin, another workspace's account and malformed input", async () => {
    for (const role of ["viewer", "member"] as const) {
      as(role);
      expect(await recreate({ accountId: bothId, tokens: "both" }), role).toMatchObject({ ok: false, code: "forbidden" });
    }
    as("owner");
    expect(await recreate({ accountId: foreignId, tokens: "authnauth" })).toMatchObject({ ok: false, code: "not_found" });
    as("outsider");
    expect(await recreate({ accountId: bothId, tokens: "both" })).toMatchObject({ ok: false, code: "not_found" });
    as("owner");
    expect(await recreate({ accountId: bothId, tokens: "everything" })).toMatchObject({ ok: false, code: "invalid_input" });
  });

  it("both: OAuth consent first (prompt=login, the full set of scopes), marked to go on to the Auth'n'Auth sign-in", async () => {
    as("admin");
    const result = await recreate({ accountId: bothId, tokens: "both" });
    const url = new URL((result.data as { authorizeUrl: string }).authorizeUrl);
    expect(url.pathname).toBe("/oauth2/authorize");
    expect(url.searchParams.get("prompt")).toBe("login");
    expect(url.searchParams.get("scope")!.split(" ")).toEqual(emulator.config.scopes);
    const state = await database.db.oAuthState.findFirstOrThrow({ where: { accountId: bothId }, orderBy: { createdAt: "desc" } });
    expect(state).toMatchObject({ intent: "recreate", flow: "oauth", bothTokens: true });
  });

  it("authnauth: straight to eBay's Auth'n'Auth sign-in with the cookie; refused for an account without one", async () => {
    as("admin");
    const result = await recreate({ accountId: bothId, tokens: "authnauth" });
    expect(new URL((result.data as { authorizeUrl: string }).authorizeUrl).pathname).toBe("/ws/eBayISAPI.dll");
    expect(jar.get("channelkeys_ebay_signin")).toBeDefined();
    expect(await recreate({ accountId: oauthOnlyId, tokens: "authnauth" })).toMatchObject({ ok: false, code: "no_authnauth" });
  });
});

describe("scopes", () => {
  it("flags accounts missing newly configured scopes as needing consent (not an error), and re-create asks for the full set", async () => {
    const { toAccountView, ACCOUNT_VIEW_SELECT } = await import("@/lib/accounts/account-view");
    const { getEbayConfig } = await import("@/lib/ebay/config");
    const row = await database.db.ebayAccount.findUniqueOrThrow({ where: { id: oauthOnlyId }, select: ACCOUNT_VIEW_SELECT });
    expect(toAccountView(row, getEbayConfig().scopes).missingScopes).toEqual([]);

    const grown = [...getEbayConfig().scopes, "https://api.ebay.com/oauth/api_scope/sell.marketing.readonly"];
    process.env.EBAY_SCOPES = grown.join(" ");
    try {
      const view = toAccountView(row, getEbayConfig().scopes);
      expect(view.missingScopes).toEqual(["https://api.ebay.com/oauth/api_scope/sell.marketing.readonly"]);
      expect(view.status).toBe(row.status);
      as("admin");
      const result = await recreate({ accountId: oauthOnlyId, tokens: "oauth" });
      expect(new URL((result.data as { authorizeUrl: string }).authorizeUrl).searchParams.get("scope")!.split(" ")).toEqual(grown);
    } finally {
      delete process.env.EBAY_SCOPES;
    }
  });
});
