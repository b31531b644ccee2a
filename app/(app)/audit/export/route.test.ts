import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDatabase } from "@/test/support/test-database";
import { recordAuditEvent } from "@/lib/audit/record";

// Only what Next.js owns is replaced (who the session says is signed in, and the cookies); the
// membership lookup, permission check, query and CSV run for real against a PostgreSQL database.
const sessionState = vi.hoisted(() => ({ userId: null as string | null }));

vi.mock("next-auth", async (importOriginal) =>
  (await import("@/test/support/next-auth-session")).withSignedInUser(await importOriginal(), () => sessionState.userId, "x@example.com"),
);

vi.mock("next/headers", () => ({ cookies: async () => ({ get: () => undefined }) }));

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let route: typeof import("./route");
const ids = { owner: "", admin: "", member: "", viewer: "", ownerB: "", accountA: "", accountB: "" };

/** What the audit page's Export form sends: a same-origin POST whose body carries the page's filters. */
function exportRequest(query = "", headers: Record<string, string> = { origin: "http://localhost", "sec-fetch-site": "same-origin" }): Request {
  return new Request("http://localhost/audit/export", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: query,
  });
}

/**
 * CSV body without the BOM, split into records (the fixtures hold no quoted line breaks). Earlier
 * exports are themselves history ("Exported history"); they are left out so counts test the filters.
 */
async function csvLines(response: Response): Promise<string[]> {
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await response.arrayBuffer());
  expect(text.startsWith("\uFEFF")).toBe(true);
  return text
    .slice(1)
    .split("\r\n")
    .filter((line) => line !== "" && !line.includes(`,"Exported history",`));
}

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  route = await import("./route");
  const db = database.db;

  const workspaceA = await db.workspace.create({ data: { name: "Workspace A" } });
  const workspaceB = await db.workspace.create({ data: { name: "Workspace B" } });
  async function user(email: string, workspaceId: string, role: string) {
    const created = await db.user.create({ data: { email, name: email.split("@")[0]!, passwordHash: "unused" } });
    await db.membership.create({ data: { userId: created.id, workspaceId, role } });
    return created.id;
  }
  ids.owner = await user("owner@a.example", workspaceA.id, "owner");
  ids.admin = await user("admin@a.example", workspaceA.id, "admin");
  ids.member = await user("member@a.example", workspaceA.id, "member");
  ids.viewer = await user("viewer@a.example", workspaceA.id, "viewer");
  ids.ownerB = await user("owner@b.example", workspaceB.id, "owner");

  ids.accountA = (
    await db.ebayAccount.create({
      data: {
        workspaceId: workspaceA.id,
        environment: "emulated",
        ebayUserId: "ebay-a",
        nickname: "Main store",
        accessToken: "v^1.1#access-token-never-exported",
        refreshToken: "v^1.1#refresh-token-never-exported",
      },
    })
  ).id;
  ids.accountB = (
    await db.ebayAccount.create({ data: { workspaceId: workspaceB.id, environment: "emulated", ebayUserId: "ebay-b" } })
  ).id;

  await recordAuditEvent(db, {
    workspaceId: workspaceA.id,
    actorLabel: "owner@a.example",
    accountId: ids.accountA,
    action: "account_test",
    outcome: "failure",
    detail: "eBay authorization token has expired and needs to be re-created",
    changes: { status: ["healthy", "needs_reauth"] },
  });
  await recordAuditEvent(db, {
    workspaceId: workspaceA.id,
    actorLabel: "=HYPERLINK(\"http://evil\")",
    action: "sign_in",
    outcome: "success",
  });
  await recordAuditEvent(db, {
    workspaceId: workspaceB.id,
    actorLabel: "owner@b.example",
    accountId: ids.accountB,
    accountName: "B secret store",
    action: "account_connect",
    outcome: "success",
    detail: "workspace B only",
  });
});

beforeEach(() => {
  sessionState.userId = null;
});

afterAll(async () => {
  await database?.cleanup();
});

describe("POST /audit/export", () => {
  it("answers 404 when signed out, and to roles without audit:export", async () => {
    for (const userId of [null, ids.viewer, ids.member]) {
      sessionState.userId = userId;
      const response = await route.POST(exportRequest());
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).not.toContain("text/csv");
    }
  });

  it("streams the workspace's history to admins and owners as an attachment that is never cached", async () => {
    for (const userId of [ids.admin, ids.owner]) {
      sessionState.userId = userId;
      const response = await route.POST(exportRequest());
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("content-disposition")).toMatch(
        /^attachment; filename="channelkeys-audit-\d{4}-\d{2}-\d{2}\.csv"$/,
      );
      const lines = await csvLines(response);
      expect(lines[0]).toBe(`"time","actor","account","action","outcome","detail","changes","run id"`);
      expect(lines).toHaveLength(3);
      const body = lines.join("\n");
      expect(body).toContain(`"Main store","Tested token","Failure"`);
      expect(body).toContain("Status: Healthy → Needs re-authorization");
      expect(body).toContain(`"'=HYPERLINK(""http://evil"")"`);
      expect(body).not.toContain("workspace B");
      expect(body).not.toContain("never-exported");
    }
  });

  it("records each completed export in the history, never inside the file it writes", async () => {
    sessionState.userId = ids.admin;
    const before = await database.db.auditEvent.count({ where: { action: "audit_export", actorUserId: ids.admin } });
    const response = await route.POST(exportRequest("action=account_test"));
    const text = new TextDecoder().decode(await response.arrayBuffer());
    expect(text).not.toContain("CSV export with filters action=account_test");
    const after = await database.db.auditEvent.findMany({
      where: { action: "audit_export", actorUserId: ids.admin },
      orderBy: { createdAt: "desc" },
    });
    expect(after).toHaveLength(before + 1);
    expect(after[0]?.detail).toBe("CSV export with filters action=account_test");
  });

  it("applies the page's filters", async () => {
    sessionState.userId = ids.owner;
    const lines = await csvLines(await route.POST(exportRequest("action=sign_in&from=2000-01-01")));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("Signed in");
  });

  it("never exports another workspace's events, even asked for by its account id", async () => {
    sessionState.userId = ids.owner;
    const lines = await csvLines(await route.POST(exportRequest(`account=${ids.accountB}`)));
    expect(lines).toHaveLength(1);

    sessionState.userId = ids.ownerB;
    const linesB = await csvLines(await route.POST(exportRequest(`account=${ids.accountA}`)));
    expect(linesB).toHaveLength(1);
    const allB = await csvLines(await route.POST(exportRequest()));
    expect(allB).toHaveLength(2);
    expect(allB[1]).toContain("B secret store");
  });

  it("refuses a filter it cannot read instead of exporting more than was asked", async () => {
    sessionState.userId = ids.owner;
    const response = await route.POST(exportRequest("action=drop_tables&from=yesterday"));
    expect(response.status).toBe(400);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.text()).toMatch(/^Export not started: /);
  });
});

// Security review, finding 11: a link from another site (a GET, which carries the session cookie on a top-level
// navigation) must not write to the history; a cross-site form post is refused before anything is read.
describe("exports that another site could trigger", () => {
  const exportEvents = () => database.db.auditEvent.count({ where: { action: "audit_export" } });

  it("a GET exports nothing and writes nothing", async () => {
    sessionState.userId = ids.owner;
    const before = await exportEvents();
    const response = await route.GET();
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(response.headers.get("content-type")).not.toContain("text/csv");
    expect(await exportEvents()).toBe(before);
  });

  it("a POST from another origin is refused and writes nothing", async () => {
    sessionState.userId = ids.owner;
    const before = await exportEvents();
    const crossSite: Record<string, string>[] = [
      { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      { origin: "https://evil.example" },
      { "sec-fetch-site": "same-site" },
      { origin: "null" },
    ];
    for (const headers of crossSite) {
      const response = await route.POST(exportRequest("", headers));
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(response.headers.get("content-type")).not.toContain("text/csv");
    }
    expect(await exportEvents()).toBe(before);
  });
});
