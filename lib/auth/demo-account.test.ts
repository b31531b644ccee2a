// Security review, finding 2: the demo sign-in (published in the README) exists for the emulator only. Once the
// install is given real eBay keys on the same data folder, the demo user can neither sign in nor keep a session,
// and the start-up removes it with the workspace only it belonged to.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) =>
  (await import("@/test/support/next-auth-session")).withSignedInUser(await importOriginal(), () => session.userId),
);
vi.mock("next/headers", () => ({ cookies: async () => ({ get: () => undefined }) }));

const REAL_EBAY = { EBAY_CLIENT_ID: "App-ID-1234", EBAY_CLIENT_SECRET: "Cert-ID-5678", EBAY_RU_NAME: "Seller-RuName" };

let database: TestDatabase;
let demoUserId = "";
let demoWorkspaceId = "";
let sharedWorkspaceId = "";

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  const { DEMO_ACCOUNT } = await import("@/lib/auth/demo-account");
  const { registerUser } = await import("@/lib/auth/sign-up");
  const demo = await registerUser(
    { name: DEMO_ACCOUNT.name, email: DEMO_ACCOUNT.email, password: DEMO_ACCOUNT.password },
    { client: database.db },
  );
  if (!demo.ok) throw new Error(demo.error);
  demoUserId = demo.user.id;
  demoWorkspaceId = demo.workspace.id;
  // A real seller's workspace the demo user was also let into: it stays, without the demo user.
  const seller = await registerUser({ name: "Real Seller", email: "real@example.com", password: "a-real-password" }, { client: database.db });
  if (!seller.ok) throw new Error(seller.error);
  sharedWorkspaceId = seller.workspace.id;
  await database.db.membership.create({ data: { userId: demoUserId, workspaceId: sharedWorkspaceId, role: "viewer" } });
});
afterAll(async () => {
  await database?.cleanup();
});
afterEach(() => {
  for (const name of Object.keys(REAL_EBAY)) delete process.env[name];
  session.userId = null;
});

async function signInAsDemo() {
  const { authenticateWithPassword } = await import("@/lib/auth/credentials");
  const { DEMO_ACCOUNT } = await import("@/lib/auth/demo-account");
  return authenticateWithPassword({ email: DEMO_ACCOUNT.email, password: DEMO_ACCOUNT.password, ip: "192.0.2.1" }, { client: database.db });
}

describe("the demo account", () => {
  it("signs in against the emulator", async () => {
    expect(await signInAsDemo()).toMatchObject({ ok: true });
  });

  it("cannot sign in once real eBay keys are set, and a session it already has opens nothing", async () => {
    Object.assign(process.env, REAL_EBAY);
    expect(await signInAsDemo()).toMatchObject({ ok: false, code: "invalid_credentials" });

    session.userId = demoUserId;
    const { getSessionUser } = await import("@/lib/auth/session");
    expect(await getSessionUser()).toBeNull();
  });

  it("is removed at start-up with real keys, with the workspace only it belonged to; shared workspaces stay", async () => {
    const { retireDemoAccount } = await import("@/lib/auth/demo-account");
    expect(await retireDemoAccount(database.db, { ...process.env, ...REAL_EBAY })).toEqual({ removed: true, workspacesRemoved: 1 });
    expect(await database.db.user.findUnique({ where: { id: demoUserId } })).toBeNull();
    expect(await database.db.workspace.findUnique({ where: { id: demoWorkspaceId } })).toBeNull();
    expect(await database.db.workspace.findUnique({ where: { id: sharedWorkspaceId } })).not.toBeNull();
    expect(await database.db.membership.count({ where: { workspaceId: sharedWorkspaceId } })).toBe(1);
    // Against the emulator it is left alone (the seed creates it there).
    expect(await retireDemoAccount(database.db, {})).toEqual({ removed: false, workspacesRemoved: 0 });
  });
});
