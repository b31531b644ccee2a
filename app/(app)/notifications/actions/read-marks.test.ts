// Security review, finding 8: a viewer may only read. Marking a warning read is each member's own bookmark, so a
// viewer (or anyone) marking it read, or all read, changes nothing for the rest of the team. Called as the
// browser calls the server actions; only Next's edges (session, cookies, cache) are replaced.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) =>
  (await import("@/test/support/next-auth-session")).withSignedInUser(await importOriginal(), () => session.userId),
);
vi.mock("next/headers", () => ({ cookies: async () => ({ get: () => undefined }) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

let database: TestDatabase;
let workspaceId = "";
const users = { owner: "", viewer: "" };
let warningIds: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  const db = database.db;
  const workspace = await db.workspace.create({ data: { name: "Team" } });
  workspaceId = workspace.id;
  for (const role of ["owner", "viewer"] as const) {
    const user = await db.user.create({ data: { email: `${role}@team.test`, name: role, passwordHash: "x" } });
    await db.membership.create({ data: { userId: user.id, workspaceId, role } });
    users[role] = user.id;
  }
  warningIds = [];
  for (const index of [1, 2, 3]) {
    const warning = await db.warning.create({
      data: { workspaceId, kind: "needs_reauth", title: `Warning ${index}`, message: "m", dedupeKey: `team:${index}` },
    });
    warningIds.push(warning.id);
  }
});
afterAll(async () => {
  await database?.cleanup();
});

async function unreadFor(userId: string): Promise<number> {
  const { countUnreadWarnings } = await import("@/lib/warnings/warning-queries");
  return countUnreadWarnings(database.db, { workspaceId, userId });
}

describe("read marks", () => {
  it("belong to the member who marks: a viewer's marks leave everyone else's unread count alone", async () => {
    const { markWarningReadAction } = await import("./mark-warning-read");
    const { markAllWarningsReadAction } = await import("./mark-all-warnings-read");
    session.userId = users.viewer;
    expect(await markWarningReadAction({ warningId: warningIds[0], read: true })).toMatchObject({ ok: true });
    expect(await unreadFor(users.viewer)).toBe(2);
    expect(await unreadFor(users.owner)).toBe(3);

    expect(await markAllWarningsReadAction({})).toMatchObject({ ok: true, data: { marked: 2 } });
    expect(await unreadFor(users.viewer)).toBe(0);
    expect(await unreadFor(users.owner)).toBe(3);

    session.userId = users.owner;
    expect(await markWarningReadAction({ warningId: warningIds[1], read: true })).toMatchObject({ ok: true });
    expect(await unreadFor(users.owner)).toBe(2);
    session.userId = users.viewer;
    expect(await markWarningReadAction({ warningId: warningIds[1], read: false })).toMatchObject({ ok: true });
    expect(await unreadFor(users.viewer)).toBe(1);
    expect(await unreadFor(users.owner)).toBe(2);
  });
});
