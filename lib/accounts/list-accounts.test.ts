// The accounts table's query against a real PostgreSQL database: filters, sorts, pages, pill counts, the expiring
// cut-off and workspace isolation. Account rows are written directly (no tokens are read here) so their
// states, names and dates can be chosen to make ties and edge cases.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import type { Db } from "@/lib/db";
import { now, setClockOffsetSeconds } from "@/lib/clock";
import { accountDisplayName } from "@/lib/accounts/account-name";
import { checkableAccountIdsInFilter, countAccountsByFilter, listAccounts } from "@/lib/accounts/list-accounts";
import { SORT_KEYS, STATUS_FILTERS, type AccountsView, type SortKey, type StatusFilter } from "@/lib/accounts/list-view";
import { DEFAULT_EXPIRY_WARNING_DAYS, isExpiring } from "@/lib/tokens/status-copy";

const DAY = 86_400_000;
const NOW = new Date(Date.UTC(2026, 5, 1, 12, 0, 0));
const STATUSES = ["healthy", "healthy", "healthy", "needs_reauth", "ebay_unavailable", "unchecked", "disconnected"] as const;
const EXPIRY_DAYS = [400, 10, 30, -2, 45, 400, 5];

type Seeded = {
  id: string;
  status: string;
  nickname: string | null;
  ebayUsername: string | null;
  ebayUserId: string;
  refreshTokenExpiresAt: Date | null;
  lastCheckedAt: Date | null;
  createdAt: Date;
};

let database: TestDatabase;
let db: Db;
let workspaceA: string;
let workspaceB: string;
let emptyWorkspace: string;
const seededA: Seeded[] = [];
const seededB: Seeded[] = [];

async function createWorkspace(name: string): Promise<string> {
  return (await db.workspace.create({ data: { name } })).id;
}

let sellerCounter = 0;
async function addAccount(workspaceId: string, fields: Partial<Omit<Seeded, "id" | "ebayUserId">>): Promise<Seeded> {
  sellerCounter += 1;
  const row = {
    status: fields.status ?? "healthy",
    nickname: fields.nickname ?? null,
    ebayUsername: fields.ebayUsername === undefined ? `seller_${String(sellerCounter).padStart(4, "0")}` : fields.ebayUsername,
    ebayUserId: `uid-${String(sellerCounter).padStart(4, "0")}`,
    refreshTokenExpiresAt: fields.refreshTokenExpiresAt === undefined ? new Date(NOW.getTime() + 400 * DAY) : fields.refreshTokenExpiresAt,
    lastCheckedAt: fields.lastCheckedAt ?? null,
    createdAt: fields.createdAt ?? new Date(NOW.getTime() - (1_000 - sellerCounter) * 60_000),
  };
  const created = await db.ebayAccount.create({
    data: { workspaceId, environment: "emulated", scopes: "https://api.ebay.com/oauth/api_scope", ...row },
    select: { id: true },
  });
  return { id: created.id, ...row };
}

// What the table promised before paging moved into SQL, written independently of the SQL.
function matches(account: Seeded, filter: StatusFilter, at: Date): boolean {
  if (filter === "all") return account.status !== "disconnected";
  if (filter === "expiring") return account.status === "healthy" && isExpiring(account.refreshTokenExpiresAt, at);
  return account.status === filter;
}

const RANK: Record<string, number> = { needs_reauth: 0, ebay_unavailable: 1, unchecked: 2, healthy: 3, disconnected: 4 };
const nameOf = (account: Seeded) => accountDisplayName(account).toLowerCase();
const compare = (left: string | number, right: string | number) => (left < right ? -1 : left > right ? 1 : 0);

function expectedOrder(accounts: Seeded[], sort: SortKey, direction: AccountsView["direction"]): string[] {
  const sign = direction === "ascending" ? 1 : -1;
  const key = (account: Seeded): number | string => {
    switch (sort) {
      case "name":
        return nameOf(account);
      case "status":
        return RANK[account.status] ?? 9;
      case "refreshExpiry":
        return account.refreshTokenExpiresAt ? account.refreshTokenExpiresAt.getTime() : Number.MAX_SAFE_INTEGER;
      case "lastChecked":
        return account.lastCheckedAt ? account.lastCheckedAt.getTime() : -1;
    }
  };
  return [...accounts]
    .sort((a, b) => {
      const primary = sign * compare(key(a), key(b));
      if (primary !== 0) return primary;
      if (sort === "name") return sign * compare(a.id, b.id);
      return compare(nameOf(a), nameOf(b)) || compare(a.id, b.id);
    })
    .map((account) => account.id);
}

async function allPages(workspaceId: string, view: Omit<AccountsView, "page">, pageSize: number, at = NOW): Promise<string[][]> {
  const pages: string[][] = [];
  for (let page = 1; ; page += 1) {
    const result = await listAccounts(db, { workspaceId, view: { ...view, page }, now: at, pageSize });
    expect(result.page).toBe(page);
    pages.push(result.accounts.map((account) => account.id));
    if (page >= result.pageCount) return pages;
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  workspaceA = await createWorkspace("Fleet A");
  workspaceB = await createWorkspace("Fleet B");
  emptyWorkspace = await createWorkspace("Nobody yet");

  // 140 accounts in A: every status, shared expiry dates and check times (ties), names that need the
  // nickname / username / user-id fallback, duplicate nicknames, blank nicknames, and mixed case.
  for (let index = 0; index < 140; index += 1) {
    const status = STATUSES[index % STATUSES.length];
    const expiryDays = (EXPIRY_DAYS[index % EXPIRY_DAYS.length] ?? 400) + (index % 3 === 0 ? 0 : index % 11);
    seededA.push(
      await addAccount(workspaceA, {
        status,
        nickname: index % 9 === 0 ? "Shared Nickname" : index % 13 === 0 ? "   " : index % 10 === 0 ? ` zeta store ${index} ` : null,
        ebayUsername: index % 17 === 0 ? null : index % 5 === 0 ? `Upper_${index}` : undefined,
        refreshTokenExpiresAt: index % 19 === 0 ? null : new Date(NOW.getTime() + expiryDays * DAY),
        lastCheckedAt: index % 4 === 0 ? null : new Date(NOW.getTime() - (index % 6) * 3_600_000),
      }),
    );
  }
  for (let index = 0; index < 12; index += 1) {
    seededB.push(await addAccount(workspaceB, { status: STATUSES[index % STATUSES.length], refreshTokenExpiresAt: new Date(NOW.getTime() + 3 * DAY) }));
  }
});

afterAll(async () => {
  await database?.cleanup();
});

afterEach(() => setClockOffsetSeconds(0));

describe("listAccounts", () => {
  it("pages through every filter and sort without gaps, duplicates or rows of another workspace", async () => {
    for (const filter of STATUS_FILTERS) {
      const expectedIds = seededA.filter((account) => matches(account, filter, NOW));
      for (const sort of SORT_KEYS) {
        for (const direction of ["ascending", "descending"] as const) {
          const pages = await allPages(workspaceA, { filter, sort, direction }, 25);
          const ids = pages.flat();
          expect(ids, `${filter} by ${sort} ${direction}`).toEqual(expectedOrder(expectedIds, sort, direction));
          expect(new Set(ids).size).toBe(ids.length);
          for (const page of pages.slice(0, -1)) expect(page).toHaveLength(25);
        }
      }
    }
  });

  it("returns 50 rows a page by default with the totals and the pill counts", async () => {
    const first = await listAccounts(db, { workspaceId: workspaceA, view: { filter: "all", sort: "status", direction: "ascending", page: 1 }, now: NOW });
    const connected = seededA.filter((account) => account.status !== "disconnected");
    expect(first.pageSize).toBe(50);
    expect(first.accounts).toHaveLength(50);
    expect(first.total).toBe(connected.length);
    expect(first.pageCount).toBe(Math.ceil(connected.length / 50));
    // Most urgent first.
    expect(first.accounts[0]?.status).toBe("needs_reauth");
    for (const filter of STATUS_FILTERS) {
      expect(first.counts[filter], filter).toBe(seededA.filter((account) => matches(account, filter, NOW)).length);
    }
    expect(first.counts.expiring).toBeGreaterThan(0);
    expect(first.counts.healthy).toBeGreaterThan(first.counts.expiring);
  });

  it("clamps a page number past the end to the last page", async () => {
    const result = await listAccounts(db, { workspaceId: workspaceA, view: { filter: "needs_reauth", sort: "name", direction: "ascending", page: 99 }, now: NOW, pageSize: 7 });
    expect(result.page).toBe(result.pageCount);
    expect(result.accounts.length).toBe(result.total - (result.pageCount - 1) * 7);
  });

  it("keeps workspaces apart", async () => {
    const idsOfB = new Set(seededB.map((account) => account.id));
    const pages = await allPages(workspaceA, { filter: "all", sort: "name", direction: "ascending" }, 50);
    expect(pages.flat().some((id) => idsOfB.has(id))).toBe(false);

    const listB = await listAccounts(db, { workspaceId: workspaceB, view: { filter: "all", sort: "name", direction: "ascending", page: 1 }, now: NOW });
    expect(new Set(listB.accounts.map((account) => account.id))).toEqual(new Set(seededB.filter((account) => account.status !== "disconnected").map((account) => account.id)));
    expect(listB.counts.expiring).toBe(seededB.filter((account) => account.status === "healthy").length);

    const none = await listAccounts(db, { workspaceId: emptyWorkspace, view: { filter: "all", sort: "status", direction: "ascending", page: 3 }, now: NOW });
    expect(none).toMatchObject({ accounts: [], total: 0, page: 1, pageCount: 1 });
    expect(Object.values(none.counts).every((count) => count === 0)).toBe(true);
  });
});

describe("expiring", () => {
  it("is a healthy account whose refresh token ends within the warning window, to the millisecond, as isExpiring says", async () => {
    const workspaceId = await createWorkspace("Expiry edges");
    const window = DEFAULT_EXPIRY_WARNING_DAYS * DAY;
    const atEdge = await addAccount(workspaceId, { refreshTokenExpiresAt: new Date(NOW.getTime() + window) });
    const justOutside = await addAccount(workspaceId, { refreshTokenExpiresAt: new Date(NOW.getTime() + window + 1) });
    const alreadyPast = await addAccount(workspaceId, { refreshTokenExpiresAt: new Date(NOW.getTime() - DAY) });
    const noExpiry = await addAccount(workspaceId, { refreshTokenExpiresAt: null });
    await addAccount(workspaceId, { status: "needs_reauth", refreshTokenExpiresAt: new Date(NOW.getTime() + DAY) });
    await addAccount(workspaceId, { status: "unchecked", refreshTokenExpiresAt: new Date(NOW.getTime() + DAY) });

    expect(isExpiring(atEdge.refreshTokenExpiresAt, NOW)).toBe(true);
    expect(isExpiring(justOutside.refreshTokenExpiresAt, NOW)).toBe(false);
    const result = await listAccounts(db, { workspaceId, view: { filter: "expiring", sort: "refreshExpiry", direction: "ascending", page: 1 }, now: NOW });
    expect(result.accounts.map((account) => account.id)).toEqual([alreadyPast.id, atEdge.id]);
    expect(result.counts).toMatchObject({ all: 6, healthy: 4, expiring: 2, needs_reauth: 1, unchecked: 1 });
    expect(noExpiry.refreshTokenExpiresAt).toBeNull();

    const narrower = await countAccountsByFilter(db, { workspaceId, now: NOW, warningDays: 0 });
    expect(narrower.expiring).toBe(1);
  });

  it("follows the product clock: moving it forward turns accounts expiring", async () => {
    const workspaceId = await createWorkspace("Clock moves");
    const inSixtyDays = await addAccount(workspaceId, { refreshTokenExpiresAt: new Date(now().getTime() + 60 * DAY) });
    await addAccount(workspaceId, { refreshTokenExpiresAt: new Date(now().getTime() + 200 * DAY) });
    expect((await countAccountsByFilter(db, { workspaceId, now: now() })).expiring).toBe(0);

    setClockOffsetSeconds(31 * 86_400);
    const later = await listAccounts(db, { workspaceId, view: { filter: "expiring", sort: "name", direction: "ascending", page: 1 }, now: now() });
    expect(later.accounts.map((account) => account.id)).toEqual([inSixtyDays.id]);
  });
});

describe("checkableAccountIdsInFilter", () => {
  it("covers every matching account on every page, never a disconnected one or another workspace's", async () => {
    for (const filter of STATUS_FILTERS) {
      const ids = await checkableAccountIdsInFilter(db, { workspaceId: workspaceA, filter, now: NOW });
      const expected = seededA
        .filter((account) => account.status !== "disconnected" && matches(account, filter, NOW))
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compare(a.id, b.id))
        .map((account) => account.id);
      expect(ids, filter).toEqual(expected);
    }
    expect((await checkableAccountIdsInFilter(db, { workspaceId: workspaceA, filter: "all", now: NOW })).length).toBeGreaterThan(50);
    expect(await checkableAccountIdsInFilter(db, { workspaceId: workspaceA, filter: "disconnected", now: NOW })).toEqual([]);
  });
});
