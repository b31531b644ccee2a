import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/test/support/test-database";
import type { Db } from "@/lib/db";
import {
  InvalidAuditCursorError,
  auditAccountFilter,
  auditFilterQuery,
  decodeAuditCursor,
  hasAnyAuditEvents,
  iterateAuditEvents,
  listAuditAccountOptions,
  listAuditEvents,
  parseAuditFilters,
  resolveAuditAccount,
  type AuditEventRow,
  type AuditScope,
} from "@/lib/audit/query";
import type { AuditAction, AuditOutcome } from "@/lib/audit/record";

type SeededEvent = {
  id: string;
  workspaceId: string;
  createdAt: Date;
  accountId: string | null;
  action: AuditAction;
  outcome: AuditOutcome;
};

const ACTIONS: AuditAction[] = ["account_test", "token_refresh", "status_change", "account_connect", "sign_in"];
const OUTCOMES: AuditOutcome[] = ["success", "failure", "refused", "info"];
// 2025-03-01T00:00:00Z; A's events fall one group per hour over 50 hours, B's every 2 hours over 60.
const BASE_MS = Date.UTC(2025, 2, 1);
const HOUR = 3_600_000;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
let workspaceA: string;
let workspaceB: string;
let emptyWorkspace: string;
const accountsA: string[] = [];
let accountB: string;
let seeded: SeededEvent[] = [];

function newestFirst(a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }): number {
  const byTime = b.createdAt.getTime() - a.createdAt.getTime();
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function expectedIds(predicate: (event: SeededEvent) => boolean): string[] {
  return seeded.filter(predicate).sort(newestFirst).map((event) => event.id);
}

async function walkOlder(scope: AuditScope, limit: number): Promise<{ ids: string[]; pages: AuditEventRow[][] }> {
  const pages: AuditEventRow[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await listAuditEvents(db, { ...scope, cursor, limit });
    pages.push(page.events);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return { ids: pages.flat().map((event) => event.id), pages };
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;

  workspaceA = (await db.workspace.create({ data: { name: "Workspace A" } })).id;
  workspaceB = (await db.workspace.create({ data: { name: "Workspace B" } })).id;
  emptyWorkspace = (await db.workspace.create({ data: { name: "No history" } })).id;

  for (const [index, nickname] of ["Main store", "Outlet", "Old shop"].entries()) {
    const account = await db.ebayAccount.create({
      data: {
        workspaceId: workspaceA,
        environment: "emulated",
        ebayUserId: `ebay-user-a-${index}`,
        nickname,
        ...(nickname === "Old shop" ? { status: "disconnected", disconnectedAt: new Date(BASE_MS) } : {}),
      },
    });
    accountsA.push(account.id);
  }
  accountB = (
    await db.ebayAccount.create({
      data: { workspaceId: workspaceB, environment: "emulated", ebayUserId: "ebay-user-b", nickname: "B's store" },
    })
  ).id;

  // 250 events in A, in groups of 5 that share one createdAt to the millisecond, so ties are
  // broken by id alone; ids are explicit but deliberately not in time order.
  const rows: SeededEvent[] = [];
  for (let n = 0; n < 250; n++) {
    rows.push({
      id: `a${String((n * 7919) % 1000).padStart(4, "0")}x${n}`,
      workspaceId: workspaceA,
      createdAt: new Date(BASE_MS + Math.floor(n / 5) * HOUR + 123),
      accountId: n % 10 === 9 ? null : n % 4 === 3 ? "acc-removed-long-ago" : accountsA[n % 3]!,
      action: ACTIONS[n % ACTIONS.length]!,
      outcome: OUTCOMES[n % OUTCOMES.length]!,
    });
  }
  // B's events interleave with A's in time, some at exactly the same instants.
  for (let n = 0; n < 60; n++) {
    rows.push({
      id: `b${String(n).padStart(4, "0")}`,
      workspaceId: workspaceB,
      createdAt: new Date(BASE_MS + Math.floor(n / 2) * HOUR * 2 + 123),
      accountId: n % 2 === 0 ? accountB : accountsA[0]!,
      action: ACTIONS[n % ACTIONS.length]!,
      outcome: OUTCOMES[n % OUTCOMES.length]!,
    });
  }
  seeded = rows;
  await db.auditEvent.createMany({
    data: rows.map((row) => ({
      ...row,
      actorLabel: row.workspaceId === workspaceA ? "seller@a.example" : "seller@b.example",
      accountName:
        row.accountId === "acc-removed-long-ago" ? "Removed store" : row.accountId === accountB ? "B's store" : null,
      detail: `event ${row.id}`,
      changes: { status: ["healthy", "needs_reauth"] },
    })),
  });
});

afterAll(async () => {
  await database?.cleanup();
});

const inA = (event: SeededEvent) => event.workspaceId === workspaceA;

describe("listAuditEvents pagination", () => {
  it("walks 250 events newest first with no duplicates or gaps, ties included", async () => {
    const { ids, pages } = await walkOlder({ workspaceId: workspaceA }, 20);
    expect(pages).toHaveLength(13);
    expect(pages.slice(0, 12).every((page) => page.length === 20)).toBe(true);
    expect(pages[12]).toHaveLength(10);
    expect(new Set(ids).size).toBe(250);
    expect(ids).toEqual(expectedIds(inA));
  });

  it("page boundaries can fall inside a group of identical timestamps", async () => {
    // Page size 3 against groups of 5: most boundaries split a group.
    const { ids } = await walkOlder({ workspaceId: workspaceA }, 3);
    expect(ids).toEqual(expectedIds(inA));
  });

  it("walks back to the newest page with Newer links, which ends with a full first page", async () => {
    const limit = 20;
    const forward: string[][] = [];
    let page = await listAuditEvents(db, { workspaceId: workspaceA, limit });
    expect(page.prevCursor).toBeNull();
    forward.push(page.events.map((event) => event.id));
    while (page.nextCursor) {
      page = await listAuditEvents(db, { workspaceId: workspaceA, limit, cursor: page.nextCursor });
      expect(page.prevCursor).not.toBeNull();
      forward.push(page.events.map((event) => event.id));
    }
    const backward: string[][] = [];
    while (page.prevCursor) {
      page = await listAuditEvents(db, { workspaceId: workspaceA, limit, cursor: page.prevCursor });
      backward.push(page.events.map((event) => event.id));
      expect(page.nextCursor).not.toBeNull();
    }
    // Going back from the short last page shifts page boundaries by its length; every event is
    // still seen once, in order, and the walk ends on the real newest page.
    const backIds = backward.reverse().flat();
    expect(backward[0]).toEqual(forward[0]);
    expect(new Set(backIds).size).toBe(backIds.length);
    const all = expectedIds(inA);
    expect(backIds).toEqual(all.slice(0, backIds.length));
    expect(backIds.length).toBe(250 - forward[forward.length - 1]!.length);
  });

  it("clamps the page size", async () => {
    expect((await listAuditEvents(db, { workspaceId: workspaceA, limit: 0 })).events).toHaveLength(1);
    expect((await listAuditEvents(db, { workspaceId: workspaceA, limit: 10_000 })).events).toHaveLength(200);
    expect((await listAuditEvents(db, { workspaceId: workspaceA })).events).toHaveLength(50);
  });

  it("refuses a cursor it did not make", async () => {
    await expect(listAuditEvents(db, { workspaceId: workspaceA, cursor: "not-a-cursor" })).rejects.toBeInstanceOf(
      InvalidAuditCursorError,
    );
  });

  it("returns an empty page without links for a workspace with no history", async () => {
    const page = await listAuditEvents(db, { workspaceId: emptyWorkspace });
    expect(page).toEqual({ events: [], nextCursor: null, prevCursor: null });
    expect(await hasAnyAuditEvents(db, emptyWorkspace)).toBe(false);
    expect(await hasAnyAuditEvents(db, workspaceA)).toBe(true);
  });

  it("never runs without a workspace", async () => {
    await expect(listAuditEvents(db, { workspaceId: "" })).rejects.toThrow(/workspaceId/);
    await expect(
      listAuditEvents(db, { workspaceId: undefined as unknown as string }),
    ).rejects.toThrow(/workspaceId/);
    await expect(hasAnyAuditEvents(db, "")).rejects.toThrow(/workspaceId/);
    await expect(iterateAuditEvents(db, { workspaceId: "" }).next()).rejects.toThrow(/workspaceId/);
  });
});

describe("listAuditEvents filters", () => {
  it("by account", async () => {
    const accountId = accountsA[1]!;
    const { ids } = await walkOlder({ workspaceId: workspaceA, accountId }, 7);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toEqual(expectedIds((e) => inA(e) && e.accountId === accountId));
  });

  it("by an account known only from its events", async () => {
    const { ids } = await walkOlder({ workspaceId: workspaceA, accountId: "acc-removed-long-ago" }, 50);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toEqual(expectedIds((e) => inA(e) && e.accountId === "acc-removed-long-ago"));
  });

  it("by action", async () => {
    const { ids } = await walkOlder({ workspaceId: workspaceA, action: "token_refresh" }, 9);
    expect(ids).toHaveLength(50);
    expect(ids).toEqual(expectedIds((e) => inA(e) && e.action === "token_refresh"));
  });

  it("by outcome", async () => {
    const { ids } = await walkOlder({ workspaceId: workspaceA, outcome: "refused" }, 11);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toEqual(expectedIds((e) => inA(e) && e.outcome === "refused"));
  });

  it("by date range: from inclusive, to exclusive", async () => {
    const from = new Date(BASE_MS + 10 * HOUR + 123);
    const to = new Date(BASE_MS + 20 * HOUR + 123);
    const { ids } = await walkOlder({ workspaceId: workspaceA, from, to }, 8);
    expect(ids).toHaveLength(50);
    expect(ids).toEqual(expectedIds((e) => inA(e) && e.createdAt >= from && e.createdAt < to));
  });

  it("by UTC days from the URL, both days included", async () => {
    const { filters } = parseAuditFilters({ from: "2025-03-02", to: "2025-03-03" });
    const { ids } = await walkOlder({ workspaceId: workspaceA, ...filters }, 13);
    const dayStart = Date.UTC(2025, 2, 2);
    const dayEnd = Date.UTC(2025, 2, 4);
    expect(ids).toHaveLength(130);
    expect(ids).toEqual(
      expectedIds((e) => inA(e) && e.createdAt.getTime() >= dayStart && e.createdAt.getTime() < dayEnd),
    );
  });

  it("all filters together", async () => {
    const scope: AuditScope = {
      workspaceId: workspaceA,
      accountId: accountsA[0]!,
      action: "account_test",
      outcome: "success",
      from: new Date(BASE_MS),
      to: new Date(BASE_MS + 40 * HOUR),
    };
    const { ids } = await walkOlder(scope, 2);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toEqual(
      expectedIds(
        (e) =>
          inA(e) &&
          e.accountId === scope.accountId &&
          e.action === scope.action &&
          e.outcome === scope.outcome &&
          e.createdAt >= scope.from! &&
          e.createdAt < scope.to!,
      ),
    );
  });

  it("a filter that matches nothing gives an empty page", async () => {
    const page = await listAuditEvents(db, { workspaceId: workspaceA, action: "sign_up" });
    expect(page).toEqual({ events: [], nextCursor: null, prevCursor: null });
  });
});

describe("workspace isolation", () => {
  it("never returns another workspace's events", async () => {
    const { ids: idsA } = await walkOlder({ workspaceId: workspaceA }, 200);
    expect(idsA.some((id) => id.startsWith("b"))).toBe(false);
    const { ids: idsB } = await walkOlder({ workspaceId: workspaceB }, 200);
    expect(idsB).toEqual(expectedIds((e) => e.workspaceId === workspaceB));
  });

  it("filtering A by an account id of B returns nothing, and B's view of A's account id only B's rows", async () => {
    expect((await listAuditEvents(db, { workspaceId: workspaceA, accountId: accountB })).events).toEqual([]);
    const { ids } = await walkOlder({ workspaceId: workspaceB, accountId: accountsA[0]! }, 50);
    expect(ids).toEqual(expectedIds((e) => e.workspaceId === workspaceB && e.accountId === accountsA[0]));
  });

  it("a cursor made from B's event only moves A's window: still only A's events", async () => {
    const pageB = await listAuditEvents(db, { workspaceId: workspaceB, limit: 40 });
    const olderCursorFromB = pageB.nextCursor!;
    const position = decodeAuditCursor(olderCursorFromB)!;
    expect(position.id.startsWith("b")).toBe(true);

    const { ids } = await (async () => {
      const collected: string[] = [];
      let cursor: string | undefined = olderCursorFromB;
      while (cursor) {
        const page = await listAuditEvents(db, { workspaceId: workspaceA, cursor, limit: 25 });
        collected.push(...page.events.map((event) => event.id));
        cursor = page.nextCursor ?? undefined;
      }
      return { ids: collected };
    })();
    expect(ids.some((id) => id.startsWith("b"))).toBe(false);
    expect(ids).toEqual(expectedIds((e) => inA(e) && newestFirst(position, e) < 0));

    const secondPageB = await listAuditEvents(db, { workspaceId: workspaceB, limit: 10, cursor: olderCursorFromB });
    expect(ids.length).toBeLessThan(250);
    const newerFromB = await listAuditEvents(db, { workspaceId: workspaceA, limit: 25, cursor: secondPageB.prevCursor! });
    expect(newerFromB.events.length).toBeGreaterThan(0);
    expect(newerFromB.events.every((event) => event.id.startsWith("a"))).toBe(true);
  });

  it("the export iterator is scoped too and sees every matching event once", async () => {
    const exported: string[] = [];
    for await (const event of iterateAuditEvents(db, { workspaceId: workspaceA }, 7)) exported.push(event.id);
    expect(exported).toEqual(expectedIds(inA));

    const refused: string[] = [];
    for await (const event of iterateAuditEvents(db, { workspaceId: workspaceB, outcome: "refused" }, 4)) {
      refused.push(event.id);
    }
    expect(refused).toEqual(expectedIds((e) => e.workspaceId === workspaceB && e.outcome === "refused"));
  });

  it("account options: the workspace's accounts (disconnected too) plus names recorded on events, never B's", async () => {
    const options = await listAuditAccountOptions(db, workspaceA);
    expect(options.map((option) => [option.label, option.disconnected, option.fromHistoryOnly])).toEqual([
      ["Main store", false, false],
      ["Old shop", true, false],
      ["Outlet", false, false],
      ["Removed store", true, true],
    ]);
    expect(options.some((option) => option.id === accountB)).toBe(false);

    const optionsB = await listAuditAccountOptions(db, workspaceB);
    // B's events mention A's account id; B sees it as a history-only id, never under A's nickname.
    expect(optionsB.map((option) => option.label)).toEqual(["B's store", accountsA[0]]);
  });

  it("account options work for large fleets without binding a parameter per account (1,200 accounts)", async () => {
    const large = (await db.workspace.create({ data: { name: "Large fleet" } })).id;
    await db.ebayAccount.createMany({
      data: Array.from({ length: 1_200 }, (_, index) => ({
        workspaceId: large,
        environment: "emulated",
        ebayUserId: `ebay-user-large-${index}`,
        nickname: `Store ${String(index).padStart(4, "0")}`,
      })),
    });
    const someAccount = (await db.ebayAccount.findFirstOrThrow({ where: { workspaceId: large }, select: { id: true } })).id;
    await db.auditEvent.createMany({
      data: [
        { workspaceId: large, actorLabel: "seller@large.example", accountId: someAccount, action: "account_test", outcome: "success" },
        { workspaceId: large, actorLabel: "seller@large.example", accountId: "acc-large-gone", accountName: "Gone store", action: "account_disconnect", outcome: "success" },
      ],
    });

    const options = await listAuditAccountOptions(db, large);
    expect(options).toHaveLength(1_201);
    expect(options.filter((option) => option.fromHistoryOnly).map((option) => [option.id, option.label])).toEqual([["acc-large-gone", "Gone store"]]);

    // Past AUDIT_ACCOUNT_LIST_LIMIT the page gets a name-or-id field, resolved one account at a time.
    expect(await auditAccountFilter(db, large, undefined)).toEqual({ kind: "field", selected: null, problem: null });
    const byId = await auditAccountFilter(db, large, someAccount);
    expect(byId.kind === "field" && byId.selected?.id).toBe(someAccount);
    const store42 = (await db.ebayAccount.findFirstOrThrow({ where: { workspaceId: large, nickname: "Store 0042" }, select: { id: true } })).id;
    const byName = await resolveAuditAccount(db, large, "store 0042");
    expect("account" in byName && byName.account).toMatchObject({ id: store42, label: "Store 0042", fromHistoryOnly: false });
    const gone = await resolveAuditAccount(db, large, "acc-large-gone");
    expect("account" in gone && gone.account).toMatchObject({ id: "acc-large-gone", label: "Gone store", fromHistoryOnly: true });
    await db.ebayAccount.create({ data: { workspaceId: large, environment: "emulated", ebayUserId: "ebay-user-large-twin", nickname: "Store 0042" } });
    expect(await resolveAuditAccount(db, large, "Store 0042")).toEqual({ problem: expect.stringContaining("Several accounts") });
    // Another workspace's account, by id or by name, is not there.
    expect(await resolveAuditAccount(db, large, accountsA[0]!)).toHaveProperty("problem");
    expect(await resolveAuditAccount(db, large, "Main store")).toHaveProperty("problem");
  });

  it("a small fleet gets the whole list, removed accounts included", async () => {
    const filter = await auditAccountFilter(db, workspaceA, accountsA[0]);
    expect(filter.kind).toBe("list");
    if (filter.kind !== "list") return;
    expect(filter.options.map((option) => option.label)).toEqual(["Main store", "Old shop", "Outlet", "Removed store"]);
    expect(filter.selected?.id).toBe(accountsA[0]);
    expect((await auditAccountFilter(db, workspaceA, accountB)).selected).toBeNull();
  });
});

describe("parseAuditFilters", () => {
  it("accepts well-formed values and turns days into a UTC range", () => {
    const parsed = parseAuditFilters(
      new URLSearchParams({ account: "ck123", action: "account_test", outcome: "failure", from: "2025-03-01", to: "2025-03-02" }),
    );
    expect(parsed.notes).toEqual([]);
    expect(parsed.values).toEqual({
      account: "ck123",
      action: "account_test",
      outcome: "failure",
      from: "2025-03-01",
      to: "2025-03-02",
    });
    expect(parsed.filters).toEqual({
      accountId: "ck123",
      action: "account_test",
      outcome: "failure",
      from: new Date("2025-03-01T00:00:00.000Z"),
      to: new Date("2025-03-03T00:00:00.000Z"),
    });
  });

  it("ignores garbage with one note per ignored value and never throws", () => {
    const parsed = parseAuditFilters({
      account: "'; DROP TABLE AuditEvent; --",
      action: "rm -rf",
      outcome: "__proto__",
      from: "2025-02-30",
      to: "yesterday",
      cursor: "eyJhbGciOiJub25lIn0",
    });
    expect(parsed.filters).toEqual({});
    expect(parsed.values).toEqual({});
    expect(parsed.cursor).toBeUndefined();
    expect(parsed.notes).toHaveLength(6);
  });

  it("treats empty values as no filter, silently", () => {
    const parsed = parseAuditFilters({ account: "", action: "  ", outcome: undefined, from: "", cursor: "" });
    expect(parsed).toEqual({ filters: {}, values: {}, cursor: undefined, notes: [] });
  });

  it("takes the first of repeated values", () => {
    const parsed = parseAuditFilters({ action: ["sign_in", "sign_out"], outcome: ["bogus", "success"] });
    expect(parsed.values.action).toBe("sign_in");
    expect(parsed.values.outcome).toBeUndefined();
    expect(parsed.notes).toHaveLength(1);
  });

  it("rejects prototype keys, oversized and out-of-range values", () => {
    const parsed = parseAuditFilters({
      action: "constructor",
      outcome: "hasOwnProperty",
      account: "x".repeat(500),
      from: "1969-12-31",
      to: "99999-01-01",
    });
    expect(parsed.filters).toEqual({});
    expect(parsed.notes).toHaveLength(5);
  });

  it("swaps a reversed date range and says so", () => {
    const parsed = parseAuditFilters({ from: "2025-03-10", to: "2025-03-01" });
    expect(parsed.values).toEqual({ from: "2025-03-01", to: "2025-03-10" });
    expect(parsed.notes).toEqual(["The “from” date was after the “to” date, so the two were swapped."]);
  });

  it("keeps a real cursor, and filter query strings round-trip", async () => {
    const page = await listAuditEvents(db, { workspaceId: workspaceA, limit: 5, action: "sign_in" });
    const query = auditFilterQuery({ action: "sign_in", from: "2025-03-01" }, page.nextCursor);
    const parsed = parseAuditFilters(new URLSearchParams(query));
    expect(parsed.cursor).toBe(page.nextCursor);
    expect(parsed.values).toEqual({ action: "sign_in", from: "2025-03-01" });
    expect(auditFilterQuery({})).toBe("");
  });
});
