import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createTestDatabase } from "@/test/support/test-database";

// Only the edges Next.js owns are replaced: who the session says is signed in, and the browser's
// cookies. Everything else (membership lookup, permission check, account scoping) runs for real
// against a PostgreSQL database.
const sessionState = vi.hoisted(() => ({ userId: null as string | null, workspaceCookie: undefined as string | undefined }));

vi.mock("next-auth", async (importOriginal) =>
  (await import("@/test/support/next-auth-session")).withSignedInUser(await importOriginal(), () => sessionState.userId, "x@example.com"),
);

vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) =>
      name === "ck_workspace" && sessionState.workspaceCookie ? { name, value: sessionState.workspaceCookie } : undefined,
  }),
}));

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let actions: typeof import("@/lib/actions/workspace-action");
const ids = {
  owner: "",
  viewer: "",
  member: "",
  outsider: "",
  workspaceA: "",
  workspaceB: "",
  accountA: "",
  accountB: "",
};

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  actions = await import("@/lib/actions/workspace-action");
  const db = database.db;

  const workspaceA = await db.workspace.create({ data: { name: "Workspace A" } });
  const workspaceB = await db.workspace.create({ data: { name: "Workspace B" } });
  ids.workspaceA = workspaceA.id;
  ids.workspaceB = workspaceB.id;

  async function user(email: string, memberships: Array<[string, string]>) {
    const created = await db.user.create({ data: { email, name: email.split("@")[0]!, passwordHash: "unused" } });
    for (const [workspaceId, role] of memberships) await db.membership.create({ data: { userId: created.id, workspaceId, role } });
    return created.id;
  }
  ids.owner = await user("owner@a.example", [[workspaceA.id, "owner"]]);
  ids.viewer = await user("viewer@a.example", [[workspaceA.id, "viewer"]]);
  ids.member = await user("member@a.example", [
    [workspaceA.id, "member"],
    [workspaceB.id, "admin"],
  ]);
  ids.outsider = await user("owner@b.example", [[workspaceB.id, "owner"]]);

  const accountA = await db.ebayAccount.create({
    data: { workspaceId: workspaceA.id, environment: "emulated", ebayUserId: "ebay-user-a", ebayUsername: "seller_a" },
  });
  const accountB = await db.ebayAccount.create({
    data: { workspaceId: workspaceB.id, environment: "emulated", ebayUserId: "ebay-user-b", ebayUsername: "seller_b" },
  });
  ids.accountA = accountA.id;
  ids.accountB = accountB.id;
});

afterAll(async () => {
  await database?.cleanup();
});

beforeEach(() => {
  sessionState.userId = null;
  sessionState.workspaceCookie = undefined;
  vi.restoreAllMocks();
});

const renameSchema = z.object({ nickname: z.string().trim().min(1, { error: "Enter a nickname." }).max(40) });

describe("defineWorkspaceAction", () => {
  it("refuses a signed-out caller before validating or running anything", async () => {
    const handler = vi.fn(async () => "ran");
    const action = actions.defineWorkspaceAction({ schema: renameSchema, permission: "notifications:mark-read", name: "markWarningRead" }, handler);
    expect(await action({ nickname: "x" })).toEqual({ ok: false, error: actions.SIGNED_OUT_MESSAGE, code: "unauthenticated" });
    expect(handler).not.toHaveBeenCalled();
  });

  it("refuses invalid input with per-field messages", async () => {
    sessionState.userId = ids.owner;
    const handler = vi.fn(async () => "ran");
    const action = actions.defineWorkspaceAction({ schema: renameSchema, permission: "accounts:rename", name: "renameAccount" }, handler);
    expect(await action({ nickname: "   " })).toEqual({
      ok: false,
      error: "Check the highlighted fields.",
      code: "invalid_input",
      fieldErrors: { nickname: "Enter a nickname." },
    });
    expect(await action("not an object")).toMatchObject({ ok: false, code: "invalid_input" });
    expect(handler).not.toHaveBeenCalled();
  });

  it("refuses a viewer an action that needs the member role", async () => {
    sessionState.userId = ids.viewer;
    const handler = vi.fn(async () => "ran");
    const action = actions.defineWorkspaceAction({ schema: z.object({}), permission: "accounts:test", name: "testAccount" }, handler);
    expect(await action({})).toEqual({
      ok: false,
      error: "Your role (Viewer) cannot do this. Ask a workspace owner for the Member role.",
      code: "forbidden",
    });
    expect(handler).not.toHaveBeenCalled();
  });

  it("runs the handler with the session's workspace, whatever workspace id the client sends", async () => {
    sessionState.userId = ids.owner;
    const action = actions.defineWorkspaceAction(
      { schema: z.object({ workspaceId: z.string().optional() }), permission: "notifications:mark-read", name: "markWarningRead" },
      async ({ workspace, role, user }) => ({ workspaceId: workspace.id, role, userId: user.id }),
    );
    expect(await action({ workspaceId: ids.workspaceB })).toEqual({
      ok: true,
      data: { workspaceId: ids.workspaceA, role: "owner", userId: ids.owner },
    });
  });

  it("follows the workspace cookie only to a workspace the user belongs to", async () => {
    sessionState.userId = ids.member;
    const action = actions.defineWorkspaceAction({ schema: z.object({}), permission: "notifications:mark-read", name: "markWarningRead" }, async ({ workspace, role }) => ({
      workspaceId: workspace.id,
      role,
    }));
    sessionState.workspaceCookie = ids.workspaceB;
    expect(await action({})).toEqual({ ok: true, data: { workspaceId: ids.workspaceB, role: "admin" } });

    sessionState.userId = ids.owner; // not a member of B: the cookie is ignored
    expect(await action({})).toEqual({ ok: true, data: { workspaceId: ids.workspaceA, role: "owner" } });
  });

  it("accepts FormData from a <form action>", async () => {
    sessionState.userId = ids.owner;
    const action = actions.defineWorkspaceAction({ schema: renameSchema, permission: "accounts:rename", name: "renameAccount" }, async ({ input }) => input.nickname);
    const form = new FormData();
    form.set("nickname", " Main store ");
    form.set("$ACTION_ID_abc", "");
    expect(await action(form)).toEqual({ ok: true, data: "Main store" });
  });

  it("answers a UserFacingError with its own message and code", async () => {
    sessionState.userId = ids.owner;
    const action = actions.defineWorkspaceAction({ schema: z.object({}), permission: "notifications:mark-read", name: "markWarningRead" }, async () => {
      throw new actions.UserFacingError("That nickname is already used by another account.", "duplicate_nickname");
    });
    expect(await action({})).toEqual({
      ok: false,
      error: "That nickname is already used by another account.",
      code: "duplicate_nickname",
    });
  });

  it("refuses to define an action the action table does not list with the same permission", () => {
    const handler = async () => "ran";
    expect(() => actions.defineWorkspaceAction({ schema: z.object({}), permission: "accounts:read", name: "markWarningRead" }, handler)).toThrow(
      /must be listed in lib\/actions\/action-table.ts with permission accounts:read/,
    );
  });

  it("logs an unexpected error with an id and answers a generic message with that id only", async () => {
    sessionState.userId = ids.owner;
    const logged: string[] = [];
    vi.spyOn(console, "error").mockImplementation((message: string) => void logged.push(message));
    const action = actions.defineWorkspaceAction({ schema: z.object({}), permission: "notifications:mark-read", name: "markWarningRead" }, async () => {
      throw new Error("SQLITE_CORRUPT: refresh_token=v^1.1#secret-token");
    });
    const result = await action({});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe("unexpected");
    const errorId = /error ([0-9a-f]{8})/.exec(result.error)?.[1];
    expect(errorId).toBeDefined();
    expect(result.error).not.toContain("SQLITE");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(errorId!);
    expect(logged[0]).toContain("SQLITE_CORRUPT");
    expect(logged[0]).not.toContain("secret-token");
  });

  it("lets Next.js control flow (redirect) through untouched", async () => {
    sessionState.userId = ids.owner;
    const { redirect } = await import("next/navigation");
    const action = actions.defineWorkspaceAction({ schema: z.object({}), permission: "notifications:mark-read", name: "markWarningRead" }, async () => {
      redirect("/accounts");
    });
    await expect(action({})).rejects.toMatchObject({ digest: expect.stringContaining("NEXT_REDIRECT") });
  });
});

describe("defineAccountAction", () => {
  const schema = z.object({ accountId: z.string().min(1) });

  it("loads the workspace's own account, without token columns, before the handler", async () => {
    sessionState.userId = ids.owner;
    const action = actions.defineAccountAction({ schema, permission: "accounts:test", name: "testAccount" }, async ({ account }) => account);
    const result = await action({ accountId: ids.accountA });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data).toMatchObject({ id: ids.accountA, workspaceId: ids.workspaceA, ebayUsername: "seller_a" });
    expect(Object.keys(result.data)).not.toContain("accessToken");
    expect(Object.keys(result.data)).not.toContain("refreshToken");
  });

  it("refuses another workspace's real account id before the handler runs", async () => {
    sessionState.userId = ids.owner;
    const handler = vi.fn(async () => "ran");
    const action = actions.defineAccountAction({ schema, permission: "accounts:disconnect", name: "disconnectAccount" }, handler);
    expect(await action({ accountId: ids.accountB })).toEqual({
      ok: false,
      error: "That eBay account was not found in this workspace.",
      code: "not_found",
    });
    expect(handler).not.toHaveBeenCalled();
    const untouched = await database.db.ebayAccount.findUniqueOrThrow({ where: { id: ids.accountB } });
    expect(untouched.workspaceId).toBe(ids.workspaceB);
  });

  it("gives a missing id the same answer as a foreign one", async () => {
    sessionState.userId = ids.outsider;
    const handler = vi.fn(async () => "ran");
    const action = actions.defineAccountAction({ schema, permission: "accounts:test", name: "testAccount" }, handler);
    const foreign = await action({ accountId: ids.accountA });
    const missing = await action({ accountId: "does-not-exist" });
    expect(foreign).toEqual(missing);
    expect(handler).not.toHaveBeenCalled();
  });

  it("checks the role before looking the account up", async () => {
    sessionState.userId = ids.viewer;
    const handler = vi.fn(async () => "ran");
    const action = actions.defineAccountAction({ schema, permission: "accounts:recreate", name: "startRecreate" }, handler);
    expect(await action({ accountId: ids.accountA })).toMatchObject({ ok: false, code: "forbidden" });
    expect(handler).not.toHaveBeenCalled();
  });
});
