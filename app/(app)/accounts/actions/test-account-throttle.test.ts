// The manual Test's throttles, called as the browser calls the server action: the database and eBay (the
// emulator over HTTP) are real; only Next's edges (session, cookies, cache) are replaced.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { GET_USER_PATH, startEmulator, type EmulatorHarness } from "@/test/support/emulator-harness";
import { connectTestAccount, createTestWorkspace, type TestWorkspace } from "@/test/support/connected-accounts";

const session = vi.hoisted(() => ({ userId: null as string | null }));

vi.mock("next-auth", async (importOriginal) =>
  (await import("@/test/support/next-auth-session")).withSignedInUser(await importOriginal(), () => session.userId, "x@example.test"),
);
vi.mock("next/headers", () => ({ cookies: async () => ({ get: () => undefined }) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

type TestActionResult = {
  ok: boolean;
  code?: string;
  error?: string;
  data?: { result: { status: string; message: string; ebayCalls: number } };
};

let database: TestDatabase;
let emulator: EmulatorHarness;
let testAction: (input: unknown) => Promise<TestActionResult>;

beforeAll(async () => {
  emulator = await startEmulator();
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  process.env.TEST_LIMIT_PER_ACCOUNT_PER_MINUTE = "2";
  process.env.TEST_LIMIT_PER_WORKSPACE_PER_10_MINUTES = "4";
  testAction = (await import("./test-account")).testAccountAction as typeof testAction;
});
afterAll(async () => {
  delete process.env.TEST_LIMIT_PER_ACCOUNT_PER_MINUTE;
  delete process.env.TEST_LIMIT_PER_WORKSPACE_PER_10_MINUTES;
  await emulator?.close();
  await database?.cleanup();
});

async function identityCalls(): Promise<number> {
  const { byPath } = (await (await fetch(`${emulator.origin}/__emulator/calls`)).json()) as { byPath: Record<string, number> };
  return Object.entries(byPath)
    .filter(([route]) => route.startsWith(GET_USER_PATH))
    .reduce((sum, [, count]) => sum + count, 0);
}

async function connectSeller(workspace: TestWorkspace): Promise<{ username: string; accountId: string }> {
  const seller = await emulator.createSeller("throttle");
  const accountId = await connectTestAccount(database.db, workspace, (username, options) => emulator.consent(username, options), seller.username);
  return { username: seller.username, accountId };
}

describe("Test of one account", () => {
  it("asks eBay for a short burst (a change at eBay shows at once), then answers with the last check's result", async () => {
    const workspace = await createTestWorkspace(database.db);
    const seller = await connectSeller(workspace);
    session.userId = workspace.userId;

    const first = await testAction({ accountId: seller.accountId });
    expect(first).toMatchObject({ ok: true, data: { result: { status: "healthy" } } });
    await emulator.revoke(seller.username, "REVOKED_BY_USER");
    const second = await testAction({ accountId: seller.accountId });
    expect(second).toMatchObject({ ok: true, data: { result: { status: "needs_reauth" } } });
    expect(second.data!.result.ebayCalls).toBeGreaterThan(0);

    const identityBefore = await identityCalls();
    const checksBefore = await database.db.tokenCheck.count({ where: { accountId: seller.accountId } });
    const third = await testAction({ accountId: seller.accountId });
    expect(third).toMatchObject({ ok: true, data: { result: { status: "needs_reauth", ebayCalls: 0 } } });
    expect(third.data!.result.message).toContain(second.data!.result.message);
    expect(third.data!.result.message).toMatch(/tested 2 times within a minute, so eBay was not asked again/);
    expect(await identityCalls()).toBe(identityBefore);
    expect(await database.db.tokenCheck.count({ where: { accountId: seller.accountId } })).toBe(checksBefore);
  });
});

describe("Tests of one workspace", () => {
  it("are refused beyond the workspace's limit, without asking eBay, while other workspaces go on", async () => {
    const workspace = await createTestWorkspace(database.db);
    const [one, two, three] = [await connectSeller(workspace), await connectSeller(workspace), await connectSeller(workspace)];
    const neighbour = await createTestWorkspace(database.db);
    const neighbours = await connectSeller(neighbour);

    session.userId = workspace.userId;
    for (const accountId of [one!.accountId, one!.accountId, two!.accountId, two!.accountId]) {
      expect(await testAction({ accountId })).toMatchObject({ ok: true, data: { result: { status: "healthy" } } });
    }
    const identityBefore = await identityCalls();
    const refused = await testAction({ accountId: three!.accountId });
    expect(refused).toMatchObject({ ok: false, code: "rate_limited" });
    expect(refused.error).toMatch(/^This workspace has run 4 Tests in the last 10 minutes, .* Try again in (9|10) minutes\.$/);
    expect(await identityCalls()).toBe(identityBefore);
    expect(await database.db.tokenCheck.count({ where: { accountId: three!.accountId, trigger: "manual" } })).toBe(0);

    session.userId = neighbour.userId;
    expect(await testAction({ accountId: neighbours.accountId })).toMatchObject({ ok: true, data: { result: { status: "healthy" } } });
  });
});
