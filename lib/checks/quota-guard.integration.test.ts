// The application's quota as eBay's Developer Analytics reports it (the emulator's counters, over HTTP): a low reading
// pauses every eBay job of every process, and the scheduler's sweep starts no checks while it holds.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { startEmulator, type EmulatorHarness } from "@/test/support/emulator-harness";
import { readApplicationQuota, guardEbayQuota } from "@/lib/checks/quota-guard";
import { currentEbayPause } from "@/lib/jobs/ebay-pause";
import { sweepDueChecks } from "@/lib/upkeep/check-sweep";
import { upkeepConfigFromEnv } from "@/lib/upkeep/upkeep-config";
import { getTokenStatus } from "@/lib/ebay/trading";
import { exchangeAuthorizationCode } from "@/lib/ebay/oauth";
import { now } from "@/lib/clock";

const API_QUOTA = 30;
let emulator: EmulatorHarness;
let database: TestDatabase;

beforeAll(async () => {
  emulator = await startEmulator({ quotas: { api: API_QUOTA } });
  database = await createTestDatabase();
});
afterAll(async () => {
  await emulator?.close();
  await database?.cleanup();
});
beforeEach(async () => {
  await emulator.reset();
  await database.db.ebayCallPause.deleteMany({});
  process.env.CHECK_RUN_QUOTA_CHECK_SECONDS = "0";
});

/** Spends Trading calls of the application, as checks of any workspace would. */
async function spendTradingCalls(count: number): Promise<void> {
  const seller = await emulator.createSeller("quota");
  const { code } = await emulator.consent(seller.username);
  const grant = await exchangeAuthorizationCode(code);
  for (let call = 0; call < count; call++) await getTokenStatus(grant.accessToken);
}

describe("the application's quota (getRateLimits with the application token)", () => {
  it("reads what is left of the tightest quota checks spend", async () => {
    await spendTradingCalls(5);
    const reading = await readApplicationQuota(3);
    // Trading is the tightest: 30 - 5 GetTokenStatus calls. (The analytics read spends its own quota, not this one.)
    expect(reading).toEqual({ kind: "ok", remaining: API_QUOTA - 5 });
  });

  it("pauses every eBay job until eBay's reset when fewer calls than the reserve are left", async () => {
    await spendTradingCalls(API_QUOTA - 4);
    const reading = await guardEbayQuota(database.db, 10);
    expect(reading).toMatchObject({ kind: "low", remaining: 4, resource: "TradingAPI" });
    const pause = await currentEbayPause(database.db);
    expect(pause?.reason).toContain("4 calls left");
    // Until the next virtual midnight, on wall time.
    const emulatorNow = await emulator.now();
    const nextMidnight = Date.UTC(emulatorNow.getUTCFullYear(), emulatorNow.getUTCMonth(), emulatorNow.getUTCDate() + 1);
    expect(Math.abs(pause!.until.getTime() - (Date.now() + (nextMidnight - emulatorNow.getTime())))).toBeLessThan(10_000);
  });

  it("reads as unknown (never a reason to stop) when eBay cannot be asked", async () => {
    await emulator.fault({ pathPrefix: "/developer/analytics/", status: 503, count: 1 });
    expect(await readApplicationQuota(10)).toEqual({ kind: "unknown" });
    expect(await currentEbayPause(database.db)).toBeNull();
  });
});

describe("the scheduler's sweep respects the application's quota", () => {
  it("starts no checks while the quota is nearly spent, and starts them once it is not", async () => {
    const workspace = await database.db.workspace.create({ data: { name: "Quota sweep" } });
    await database.db.ebayAccount.create({
      data: { workspaceId: workspace.id, environment: "emulated", ebayUserId: "quota-due-1", ebayUsername: "quota_due_1" },
    });
    await spendTradingCalls(API_QUOTA - 2);
    const config = { ...upkeepConfigFromEnv(), maxChecksPerTick: 10 };
    process.env.CHECK_RUN_QUOTA_RESERVE = "5";
    try {
      const held = await sweepDueChecks(database.db, { now: now(), config });
      expect(held.due).toBe(1);
      expect(held.scheduled).toBe(0);
      expect(held.pausedUntil).toBeInstanceOf(Date);
      expect(await database.db.checkRun.count({ where: { workspaceId: workspace.id } })).toBe(0);

      // A new eBay day: the quota is back, the pause is lifted, and the same sweep starts the check.
      await emulator.reset();
      await database.db.ebayCallPause.deleteMany({});
      const started = await sweepDueChecks(database.db, { now: now(), config });
      expect(started.scheduled).toBe(1);
      expect(started.pausedUntil).toBeUndefined();
    } finally {
      delete process.env.CHECK_RUN_QUOTA_RESERVE;
    }
  });
});
