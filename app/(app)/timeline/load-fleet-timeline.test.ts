import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { DAY_MS, expiryBucket, timelineStatus } from "@/lib/timeline/buckets";
import { BUCKET_PAGE_ROWS, GROUP_PREVIEW_ROWS, loadFleetTimeline, parseFleetTimelineFilters, timelineHref } from "./load-fleet-timeline";

// A real PostgreSQL database with a 500-account workspace: the page must stay bounded (previews, pages) and the counts
// must still cover every account.
const NOW = new Date("2027-05-20T12:00:00.000Z");
const at = (days: number) => new Date(NOW.getTime() + days * DAY_MS);

let database: TestDatabase;
let workspaceId = "";
let otherWorkspaceId = "";
const named: Record<string, string> = {};

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  workspaceId = (await db.workspace.create({ data: { name: "Fleet" } })).id;
  otherWorkspaceId = (await db.workspace.create({ data: { name: "Other" } })).id;

  // 500 accounts: 10 revoked, 20 within 7 days, 30 within 30, 40 within 90, 400 later (2 disconnected on top).
  const plan: { status: string; days: number | null }[] = [
    ...Array.from({ length: 10 }, () => ({ status: "needs_reauth", days: 200 })),
    ...Array.from({ length: 20 }, (_, index) => ({ status: "healthy", days: 1 + index * 0.3 })),
    ...Array.from({ length: 30 }, (_, index) => ({ status: "healthy", days: 8 + index * 0.7 })),
    ...Array.from({ length: 40 }, (_, index) => ({ status: index % 2 ? "unchecked" : "healthy", days: 31 + index })),
    ...Array.from({ length: 400 }, (_, index) => ({ status: index % 10 === 0 ? "ebay_unavailable" : "healthy", days: 91 + index })),
  ];
  await db.ebayAccount.createMany({
    data: plan.map((entry, index) => ({
      workspaceId,
      environment: "production",
      ebayUserId: `user${String(index).padStart(4, "0")}`,
      ebayUsername: `seller_${String(index).padStart(4, "0")}`,
      status: entry.status,
      verdictStatus: entry.status === "ebay_unavailable" ? "healthy" : entry.status,
      refreshTokenExpiresAt: entry.days === null ? null : at(entry.days),
      accessTokenExpiresAt: at(0.05),
      connectedAt: at((entry.days ?? 0) - 547.5),
    })),
  });
  await db.ebayAccount.createMany({
    data: [0, 1].map((index) => ({ workspaceId, environment: "production", ebayUserId: `gone${index}`, status: "disconnected", verdictStatus: "healthy", connectedAt: at(-5) })),
  });
  await db.ebayAccount.create({
    data: { workspaceId: otherWorkspaceId, environment: "production", ebayUserId: "elsewhere", status: "healthy", verdictStatus: "healthy", refreshTokenExpiresAt: at(2), connectedAt: at(-5) },
  });

  for (const account of await db.ebayAccount.findMany({ where: { workspaceId, ebayUsername: { in: ["seller_0010", "seller_0011"] } } })) {
    named[account.ebayUsername!] = account.id;
  }
  const soonest = named.seller_0010!;
  await db.tokenCheck.createMany({
    data: [
      { workspaceId, accountId: soonest, trigger: "manual", verdict: "healthy", createdAt: at(-3) },
      { workspaceId, accountId: soonest, trigger: "manual", verdict: "ebay_unavailable", createdAt: new Date(at(-3).getTime() + 3_600_000) },
      { workspaceId, accountId: soonest, trigger: "scheduler", verdict: "healthy", createdAt: at(-1) },
      { workspaceId, accountId: soonest, trigger: "scheduler", verdict: "healthy", createdAt: at(-400) }, // before the axis
    ],
  });
  await db.auditEvent.create({
    data: { workspaceId, accountId: named.seller_0011!, actorLabel: "sam", action: "account_recreate", outcome: "success", createdAt: at(-20) },
  });
}, 60_000);

afterAll(async () => {
  await database.cleanup();
});

describe("loadFleetTimeline", () => {
  it("counts every connected account into its bucket and previews each group, soonest expiry first", async () => {
    const timeline = await loadFleetTimeline(database.db, { workspaceId, now: NOW, filters: parseFleetTimelineFilters({}) });
    expect(timeline.fleetSize).toBe(500);
    expect(timeline.counts).toEqual({ needs_reauth: 10, within_7: 20, within_30: 30, within_90: 40, later: 400 });
    expect(timeline.groups.map((group) => [group.bucket, group.total, group.rows.length, group.preview])).toEqual([
      ["needs_reauth", 10, 10, false],
      ["within_7", 20, GROUP_PREVIEW_ROWS, true],
      ["within_30", 30, GROUP_PREVIEW_ROWS, true],
      ["within_90", 40, GROUP_PREVIEW_ROWS, true],
      ["later", 400, GROUP_PREVIEW_ROWS, true],
    ]);
    const within7 = timeline.groups[1]!.rows;
    expect(within7.map((row) => row.name).slice(0, 3)).toEqual(["seller_0010", "seller_0011", "seller_0012"]);
    for (const group of timeline.groups) {
      const times = group.rows.map((row) => row.refreshTokenExpiresAt?.getTime() ?? 0);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
    expect(timeline.statusCounts).toMatchObject({ all: 500, needs_reauth: 10, ebay_unavailable: 40, unchecked: 20 });
  });

  it("draws check ticks on the axis only, worst verdict per day, and starts a re-created token's bar at the re-create", async () => {
    const timeline = await loadFleetTimeline(database.db, { workspaceId, now: NOW, filters: parseFleetTimelineFilters({}) });
    const rows = timeline.groups[1]!.rows;
    const soonest = rows.find((row) => row.id === named.seller_0010)!;
    expect(soonest.checks.map((tick) => [tick.tone, tick.count])).toEqual([
      ["warn", 2],
      ["good", 1],
    ]);
    const recreated = rows.find((row) => row.id === named.seller_0011)!;
    expect(recreated.lifetimeStart).toEqual(at(-20));
    expect(soonest.lifetimeStart.getTime()).toBeLessThan(at(-500).getTime());
  });

  it("pages through one bucket and filters by status", async () => {
    const later = await loadFleetTimeline(database.db, { workspaceId, now: NOW, filters: parseFleetTimelineFilters({ bucket: "later", page: "8" }) });
    expect(later.groups).toHaveLength(1);
    expect(later.groups[0]).toMatchObject({ bucket: "later", total: 400, page: 8, pageCount: 8, preview: false });
    expect(later.groups[0]!.rows).toHaveLength(400 - 7 * BUCKET_PAGE_ROWS);
    expect(later.statusCounts.all).toBe(400);

    const unavailable = await loadFleetTimeline(database.db, { workspaceId, now: NOW, filters: parseFleetTimelineFilters({ status: "ebay_unavailable" }) });
    expect(unavailable.counts).toEqual({ needs_reauth: 0, within_7: 0, within_30: 0, within_90: 0, later: 40 });
    expect(unavailable.groups.every((group) => group.rows.every((row) => row.status === "ebay_unavailable"))).toBe(true);

    const expiring = await loadFleetTimeline(database.db, { workspaceId, now: NOW, filters: parseFleetTimelineFilters({ status: "expiring" }) });
    expect(expiring.counts).toMatchObject({ within_7: 20, within_30: 30, within_90: 0 });
  });

  it("judges every account in SQL exactly as expiryBucket and timelineStatus do, at the bounds too", async () => {
    const { db } = database;
    const edgeWorkspace = (await db.workspace.create({ data: { name: "Edges" } })).id;
    await db.workspaceAlertSettings.create({ data: { workspaceId: edgeWorkspace, warningDays: 14 } });
    const ms = (offset: number) => new Date(NOW.getTime() + offset);
    const cases: Array<{ status: string; verdictStatus: string; expires: Date | null; authNAuthExpires?: Date }> = [
      { status: "healthy", verdictStatus: "healthy", expires: null },
      { status: "healthy", verdictStatus: "healthy", expires: ms(0) },
      { status: "healthy", verdictStatus: "healthy", expires: ms(1) },
      { status: "healthy", verdictStatus: "healthy", expires: ms(7 * DAY_MS) },
      { status: "healthy", verdictStatus: "healthy", expires: ms(7 * DAY_MS + 1) },
      { status: "healthy", verdictStatus: "healthy", expires: ms(14 * DAY_MS) },
      { status: "healthy", verdictStatus: "healthy", expires: ms(14 * DAY_MS + 1) },
      { status: "healthy", verdictStatus: "healthy", expires: ms(30 * DAY_MS) },
      { status: "healthy", verdictStatus: "healthy", expires: ms(90 * DAY_MS) },
      { status: "healthy", verdictStatus: "healthy", expires: ms(90 * DAY_MS + 1) },
      { status: "needs_reauth", verdictStatus: "needs_reauth", expires: ms(200 * DAY_MS) },
      { status: "ebay_unavailable", verdictStatus: "needs_reauth", expires: ms(200 * DAY_MS) },
      { status: "ebay_unavailable", verdictStatus: "healthy", expires: ms(3 * DAY_MS) },
      { status: "unchecked", verdictStatus: "unchecked", expires: ms(-DAY_MS) },
      // An Auth'n'Auth token: the account's date is the earlier of the two, whichever it holds.
      { status: "healthy", verdictStatus: "healthy", expires: null, authNAuthExpires: ms(5 * DAY_MS) },
      { status: "healthy", verdictStatus: "healthy", expires: ms(200 * DAY_MS), authNAuthExpires: ms(14 * DAY_MS) },
      { status: "healthy", verdictStatus: "healthy", expires: ms(20 * DAY_MS), authNAuthExpires: ms(400 * DAY_MS) },
      { status: "healthy", verdictStatus: "healthy", expires: ms(200 * DAY_MS), authNAuthExpires: ms(-1) },
    ];
    await db.ebayAccount.createMany({
      data: cases.map((entry, index) => ({
        workspaceId: edgeWorkspace,
        environment: "production",
        ebayUserId: `edge${index}`,
        status: entry.status,
        verdictStatus: entry.verdictStatus,
        refreshTokenExpiresAt: entry.expires,
        authNAuthExpiresAt: entry.authNAuthExpires ?? null,
        connectedAt: at(-10),
      })),
    });
    const timeline = await loadFleetTimeline(db, { workspaceId: edgeWorkspace, now: NOW, filters: parseFleetTimelineFilters({}) });
    const rows = timeline.groups.flatMap((group) => group.rows);
    expect(rows).toHaveLength(cases.length);
    for (const row of rows) {
      const entry = cases[Number(row.name.slice(4))]!;
      const account = { status: entry.status, verdictStatus: entry.verdictStatus, refreshTokenExpiresAt: entry.expires, authNAuthExpiresAt: entry.authNAuthExpires ?? null };
      expect([row.name, row.bucket, row.status]).toEqual([row.name, expiryBucket(account, NOW), timelineStatus(account, NOW, 14)]);
    }
  });

  it("shows only the accounts with the tag asked for, counted and linked under that tag", async () => {
    const { db } = database;
    const tagged = (await db.workspace.create({ data: { name: "Tagged" } })).id;
    await db.ebayAccount.createMany({
      data: [
        { ebayUserId: "eu-soon", tags: ["eu"], days: 3 },
        { ebayUserId: "eu-later", tags: ["eu", "agency-a"], days: 300 },
        { ebayUserId: "us-soon", tags: ["us"], days: 2 },
      ].map((entry) => ({
        workspaceId: tagged,
        environment: "production",
        ebayUserId: entry.ebayUserId,
        status: "healthy",
        verdictStatus: "healthy",
        tags: entry.tags,
        refreshTokenExpiresAt: at(entry.days),
        connectedAt: at(-10),
      })),
    });
    const filters = parseFleetTimelineFilters({ tag: "EU" });
    expect(filters.tag).toBe("eu");
    const timeline = await loadFleetTimeline(db, { workspaceId: tagged, now: NOW, filters });
    expect(timeline.fleetSize).toBe(2);
    expect(timeline.counts).toMatchObject({ within_7: 1, later: 1, within_30: 0 });
    expect(timeline.groups.flatMap((group) => group.rows.map((row) => row.name))).toEqual(["eu-soon", "eu-later"]);
    expect(timelineHref(filters, { bucket: "within_7" })).toBe("/timeline?bucket=within_7&tag=eu");
  });

  it("never shows another workspace's accounts", async () => {
    const other = await loadFleetTimeline(database.db, { workspaceId: otherWorkspaceId, now: NOW, filters: parseFleetTimelineFilters({}) });
    expect(other.fleetSize).toBe(1);
    expect(other.groups.flatMap((group) => group.rows.map((row) => row.name))).toEqual(["elsewhere"]);
  });
});

describe("filters in the URL", () => {
  it("parses known values only and builds links that reset the page when the bucket changes", () => {
    expect(parseFleetTimelineFilters({ bucket: "bogus", status: ["healthy"], page: "-2" })).toEqual({ bucket: "all", status: "all", page: 1 });
    const filters = parseFleetTimelineFilters({ bucket: "later", status: "healthy", page: "3" });
    expect(timelineHref(filters, { page: 4 })).toBe("/timeline?bucket=later&status=healthy&page=4");
    expect(timelineHref(filters, { bucket: "within_7" })).toBe("/timeline?bucket=within_7&status=healthy");
    expect(timelineHref(filters, { bucket: "all", status: "all" })).toBe("/timeline");
  });
});
