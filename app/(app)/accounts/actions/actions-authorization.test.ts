// Every accounts server action, called as the browser would call it, by each role and by another
// workspace. Only Next's edges are replaced (session, cookies, cache); the database and eBay (the
// emulator over HTTP) are real.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase } from "@/test/support/test-database";
import { startEmulator, type EmulatorHarness } from "@/test/support/emulator-harness";

const session = vi.hoisted(() => ({ userId: null as string | null }));

vi.mock("next-auth", async (importOriginal) =>
  (await import("@/test/support/next-auth-session")).withSignedInUser(await importOriginal(), () => session.userId, "x@example.test"),
);
vi.mock("next/headers", () => ({ cookies: async () => ({ get: () => undefined }) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

type ActionModule = Record<string, (input: unknown) => Promise<{ ok: boolean; code?: string; data?: unknown }>>;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let emulator: EmulatorHarness;
const users: Record<"owner" | "admin" | "member" | "viewer" | "outsider", string> = {
  owner: "",
  admin: "",
  member: "",
  viewer: "",
  outsider: "",
};
let accountId = "";
let foreignAccountId = "";
let actions: Record<string, ActionModule[string]>;

beforeAll(async () => {
  emulator = await startEmulator();
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  const db = database.db;
  const home = await db.workspace.create({ data: { name: "Home" } });
  const other = await db.workspace.create({ data: { name: "Other" } });
  for (const role of ["owner", "admin", "member", "viewer"] as const) {
    const user = await db.user.create({ data: { email: `${role}@home.test`, name: role, passwordHash: "x" } });
    await db.membership.create({ data: { userId: user.id, workspaceId: home.id, role } });
    users[role] = user.id;
  }
  const outsider = await db.user.create({ data: { email: "owner@other.test", name: "outsider", passwordHash: "x" } });
  await db.membership.create({ data: { userId: outsider.id, workspaceId: other.id, role: "owner" } });
  users.outsider = outsider.id;

  // Real accounts, connected through the emulator, so allowed calls do real work.
  const { connectWithAuthorizationCode } = await import("@/lib/tokens/check-token");
  async function connect(workspaceId: string) {
    const seller = await emulator.createSeller("authz");
    const { code } = await emulator.consent(seller.username);
    const { grant, ebayUser } = await connectWithAuthorizationCode(code);
    const now = Date.now();
    const account = await db.ebayAccount.create({
      data: {
        workspaceId,
        environment: "emulated",
        ebayUserId: ebayUser.userId,
        ebayUsername: ebayUser.username ?? null,
        scopes: emulator.config.scopes.join(" "),
        accessToken: grant.accessToken,
        accessTokenExpiresAt: new Date(now + grant.accessTokenExpiresIn * 1000),
        refreshToken: grant.refreshToken,
        refreshTokenExpiresAt: new Date(now + grant.refreshTokenExpiresIn * 1000),
      },
    });
    return account.id;
  }
  accountId = await connect(home.id);
  foreignAccountId = await connect(other.id);

  actions = {
    startConnect: (await import("./start-connect")).startConnectAction,
    startRecreate: (await import("./start-recreate")).startRecreateAction,
    test: (await import("./test-account")).testAccountAction,
    rename: (await import("./rename-account")).renameAccountAction,
    disconnect: (await import("./disconnect-account")).disconnectAccountAction,
  };
});

afterAll(async () => {
  await emulator?.close();
  await database?.cleanup();
});

function as(user: keyof typeof users | null) {
  session.userId = user ? users[user] : null;
}

const inputFor = (action: string, id: string) =>
  action === "startConnect" ? {} : action === "rename" ? { accountId: id, nickname: "Renamed" } : { accountId: id };

// Least role allowed for each action (lib/auth/roles.ts).
const minimumRole: Record<string, "member" | "admin"> = {
  startConnect: "admin",
  startRecreate: "admin",
  test: "member",
  rename: "admin",
  disconnect: "admin",
};

describe("accounts server actions", () => {
  it.each(["startConnect", "startRecreate", "test", "rename", "disconnect"])("%s refuses a signed-out caller", async (name) => {
    as(null);
    expect(await actions[name]!(inputFor(name, accountId))).toMatchObject({ ok: false, code: "unauthenticated" });
  });

  it.each(["startConnect", "startRecreate", "test", "rename", "disconnect"])("%s refuses roles below its minimum", async (name) => {
    const below = minimumRole[name] === "admin" ? (["viewer", "member"] as const) : (["viewer"] as const);
    for (const role of below) {
      as(role);
      expect(await actions[name]!(inputFor(name, accountId)), role).toMatchObject({ ok: false, code: "forbidden" });
    }
  });

  it.each(["startRecreate", "test", "rename", "disconnect"])("%s refuses another workspace's real account id", async (name) => {
    as("owner");
    expect(await actions[name]!(inputFor(name, foreignAccountId))).toMatchObject({ ok: false, code: "not_found" });
    as("outsider");
    expect(await actions[name]!(inputFor(name, accountId))).toMatchObject({ ok: false, code: "not_found" });
  });

  it.each(["startRecreate", "test", "rename", "disconnect"])("%s rejects malformed input before touching data", async (name) => {
    as("owner");
    expect(await actions[name]!({ accountId: 42 })).toMatchObject({ ok: false, code: "invalid_input" });
    expect(await actions[name]!("DROP TABLE")).toMatchObject({ ok: false, code: "invalid_input" });
  });

  it("lets each role do what it may, on its own workspace's account", async () => {
    as("member");
    const tested = await actions.test!({ accountId });
    expect(tested).toMatchObject({ ok: true, data: { result: { status: "healthy" } } });

    as("admin");
    const connect = await actions.startConnect!({});
    expect(connect.ok).toBe(true);
    const url = new URL((connect.data as { authorizeUrl: string }).authorizeUrl);
    expect(url.searchParams.get("prompt")).toBe("login");
    expect(url.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(await actions.startRecreate!({ accountId })).toMatchObject({ ok: true });
    expect(await actions.rename!({ accountId, nickname: "  UK outlet  " })).toMatchObject({ ok: true, data: { nickname: "UK outlet" } });
    expect(await actions.disconnect!({ accountId })).toMatchObject({ ok: true });
    expect(await actions.test!({ accountId })).toMatchObject({ ok: false, code: "disconnected" });

    const foreign = await database.db.ebayAccount.findFirstOrThrow({ where: { id: foreignAccountId } });
    expect(foreign).toMatchObject({ status: "unchecked", nickname: null, disconnectedAt: null });
  });
});
