// Starting bulk checks, called as the browser calls the server action, against a real PostgreSQL database: a workspace
// may start only so many runs in a window. Only Next's edges (session, cookies, cache) are replaced.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { createTestWorkspace, type TestWorkspace } from "@/test/support/connected-accounts";

const session = vi.hoisted(() => ({ userId: null as string | null }));

vi.mock("next-auth", async (importOriginal) =>
  (await import("@/test/support/next-auth-session")).withSignedInUser(await importOriginal(), () => session.userId, "x@example.test"),
);
vi.mock("next/headers", () => ({ cookies: async () => ({ get: () => undefined }) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

type StartResult = { ok: boolean; code?: string; error?: string; data?: { runId: string } };

let database: TestDatabase;
let startAction: (input: unknown) => Promise<StartResult>;

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  process.env.CHECK_RUN_START_LIMIT_PER_WORKSPACE_PER_10_MINUTES = "2";
  startAction = (await import("./start-check-run")).startCheckRunAction as typeof startAction;
});
afterAll(async () => {
  delete process.env.CHECK_RUN_START_LIMIT_PER_WORKSPACE_PER_10_MINUTES;
  await database?.cleanup();
});

let sellerCounter = 0;
/** A connected account row (bulk runs are only queued here: no worker runs, eBay is never asked). */
async function addAccount(workspace: TestWorkspace): Promise<string> {
  sellerCounter += 1;
  const account = await database.db.ebayAccount.create({
    data: {
      workspaceId: workspace.workspaceId,
      environment: "emulated",
      ebayUserId: `seller-${sellerCounter}`,
      ebayUsername: `seller_${sellerCounter}`,
      scopes: "https://api.ebay.com/oauth/api_scope",
      accessToken: "v^1.1#access",
      accessTokenExpiresAt: new Date(Date.now() + 3_600_000),
      refreshToken: "v^1.1#refresh",
      refreshTokenExpiresAt: new Date(Date.now() + 365 * 86_400_000),
    },
  });
  return account.id;
}

describe("starting bulk checks", () => {
  it("is refused beyond the workspace's limit with the wait; other workspaces go on", async () => {
    const workspace = await createTestWorkspace(database.db);
    await addAccount(workspace);
    const neighbour = await createTestWorkspace(database.db);
    await addAccount(neighbour);

    session.userId = workspace.userId;
    expect(await startAction({ scope: "all" })).toMatchObject({ ok: true });
    expect(await startAction({ scope: "all" })).toMatchObject({ ok: true });
    const refused = await startAction({ scope: "all" });
    expect(refused).toMatchObject({ ok: false, code: "rate_limited" });
    expect(refused.error).toMatch(/^This workspace has started 2 bulk checks in the last 10 minutes, .* Try again in (9|10) minutes\.$/);
    expect(await database.db.checkRun.count({ where: { workspaceId: workspace.workspaceId } })).toBe(2);

    session.userId = neighbour.userId;
    expect(await startAction({ scope: "all" })).toMatchObject({ ok: true });
  });

  it("does not count a start that was refused for other reasons", async () => {
    const workspace = await createTestWorkspace(database.db);
    const accountId = await addAccount(workspace);
    const foreign = await addAccount(await createTestWorkspace(database.db));

    session.userId = workspace.userId;
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(await startAction({ scope: "accounts", accountIds: [foreign], filterLabel: "Selected accounts" })).toMatchObject({
        ok: false,
        code: "not_found",
      });
    }
    expect(await startAction({ scope: "accounts", accountIds: [accountId], filterLabel: "Selected accounts" })).toMatchObject({ ok: true });
    expect(await startAction({ scope: "all" })).toMatchObject({ ok: true });
  });

  it("checks every account matching a status filter, beyond one page, only in the caller's workspace", async () => {
    const workspace = await createTestWorkspace(database.db);
    const unchecked: string[] = [];
    for (let index = 0; index < 55; index++) unchecked.push(await addAccount(workspace));
    const healthy = await addAccount(workspace);
    await database.db.ebayAccount.update({ where: { id: healthy }, data: { status: "healthy" } });
    const neighbour = await createTestWorkspace(database.db);
    await addAccount(neighbour);

    session.userId = workspace.userId;
    const started = await startAction({ scope: "filter", status: "unchecked" });
    expect(started).toMatchObject({ ok: true });
    const run = await database.db.checkRun.findUniqueOrThrow({ where: { id: started.data!.runId }, include: { items: { select: { accountId: true } } } });
    expect(run.filterLabel).toBe("Not checked yet");
    expect(new Set(run.items.map((item) => item.accountId))).toEqual(new Set(unchecked));

    expect(await startAction({ scope: "filter", status: "needs_reauth" })).toMatchObject({ ok: false, code: "empty" });
    expect(await startAction({ scope: "filter", status: "everything" })).toMatchObject({ ok: false });
  });
});
