// Accounts holding an Auth'n'Auth token, alone or beside an OAuth grant, against the real emulator over HTTP and a
// real PostgreSQL database: Tests and bulk runs check both, the 18-month expiry reaches warnings, the timeline's
// buckets and the calendar export, eBay's own 7-day warning is noticed, and disconnect revokes the token at eBay.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { startEmulator, type EmulatorHarness } from "@/test/support/emulator-harness";
import { connectTestAccount, connectTestAuthNAuthToken, createTestWorkspace, useFastCheckRuns, type TestWorkspace } from "@/test/support/connected-accounts";
import { startTestJobRunner, waitForRunToEnd } from "@/test/support/job-runner";
import type { JobRunner } from "@/lib/jobs/job-runner";
import { closeAdvisoryLockPools } from "@/lib/advisory-lock";
import { setClockOffsetSeconds, now } from "@/lib/clock";
import { testAccount } from "@/lib/accounts/test-account";
import { disconnectAccount } from "@/lib/accounts/disconnect-account";
import { createCheckRun } from "@/lib/checks/check-runs";
import { evaluateWarnings } from "@/lib/warnings/evaluate-warnings";
import { warningConfigFromEnv } from "@/lib/upkeep/upkeep-config";
import { expiryBucket } from "@/lib/timeline/buckets";
import { expiryCalendar } from "@/lib/timeline/expiry-calendar";
import { getAuthNAuthTokenStatus, revokeAuthNAuthToken } from "@/lib/ebay/trading";

let emulator: EmulatorHarness;
let database: TestDatabase;
let runner: JobRunner;
let workspace: TestWorkspace;

const DAY_S = 86_400;
const signIn = (url: string, username: string) => emulator.authNAuthSignIn(url, username);
const consent = (username: string, options: { state: string }) => emulator.consent(username, options);

beforeAll(async () => {
  useFastCheckRuns();
  emulator = await startEmulator();
  database = await createTestDatabase();
  runner = await startTestJobRunner(database);
  workspace = await createTestWorkspace(database.db);
});
afterAll(async () => {
  setClockOffsetSeconds(0);
  await runner?.stop();
  await closeAdvisoryLockPools();
  await emulator?.close();
  await database?.cleanup();
});
afterEach(() => setClockOffsetSeconds(0));

async function bothTokens(prefix: string): Promise<{ accountId: string; username: string }> {
  const seller = await emulator.createSeller(prefix);
  const accountId = await connectTestAccount(database.db, workspace, consent, seller.username);
  await connectTestAuthNAuthToken(database.db, workspace, signIn, seller.username);
  return { accountId, username: seller.username };
}

const actor = () => ({ userId: workspace.userId, label: workspace.actor.label });
const account = (id: string) => database.db.ebayAccount.findUniqueOrThrow({ where: { id }, omit: { authNAuthToken: false } });

describe("Test checks every token the account holds", () => {
  it("an Auth'n'Auth token alone: one GetTokenStatus, healthy", async () => {
    const seller = await emulator.createSeller("anaonly");
    const accountId = await connectTestAuthNAuthToken(database.db, workspace, signIn, seller.username);
    const result = await testAccount(database.db, { workspaceId: workspace.workspaceId, accountId, actor: actor(), trigger: "manual" });
    expect(result).toMatchObject({ status: "healthy", ebayCalls: 1 });
    expect(result.message).toContain("Auth'n'Auth token as Active");
  });

  it("both: a revoked Auth'n'Auth token makes the account need re-authorization while its OAuth grant stays healthy", async () => {
    const { accountId } = await bothTokens("anaboth");
    const healthy = await testAccount(database.db, { workspaceId: workspace.workspaceId, accountId, actor: actor(), trigger: "manual" });
    expect(healthy.status).toBe("healthy");
    expect(healthy.message).toMatch(/^OAuth: .* Auth'n'Auth: /);

    await revokeAuthNAuthToken((await account(accountId)).authNAuthToken!);
    const result = await testAccount(database.db, { workspaceId: workspace.workspaceId, accountId, actor: actor(), trigger: "manual" });
    expect(result).toMatchObject({ status: "needs_reauth", cause: "revoked_by_app" });
    expect(await account(accountId)).toMatchObject({
      status: "needs_reauth",
      statusCause: "revoked_by_app",
      oauthStatus: "healthy",
      authNAuthStatus: "needs_reauth",
      authNAuthCause: "revoked_by_app",
    });
  });

  it("a bulk run tests both credentials of each account", async () => {
    const { accountId } = await bothTokens("anabulk");
    const before = await emulator.control<{ byTradingCall: Record<string, number> }>("GET", "calls");
    const { runId } = await createCheckRun(database.db, { workspaceId: workspace.workspaceId, actor: actor(), accountIds: [accountId], trigger: "manual" });
    await waitForRunToEnd(database.db, runId);
    const after = await emulator.control<{ byTradingCall: Record<string, number> }>("GET", "calls");
    // One GetTokenStatus for the OAuth grant, one for the Auth'n'Auth token.
    expect((after.byTradingCall.GetTokenStatus ?? 0) - (before.byTradingCall.GetTokenStatus ?? 0)).toBe(2);
    const item = await database.db.checkRunItem.findFirstOrThrow({ where: { runId } });
    expect(item).toMatchObject({ verdict: "healthy" });
    expect(item.message).toContain("Auth'n'Auth");
  });
});

describe("the 18-month expiry", () => {
  it("reaches the warnings (at the workspace's window), the timeline bucket and the calendar export", async () => {
    const seller = await emulator.createSeller("anaexp");
    const accountId = await connectTestAuthNAuthToken(database.db, workspace, signIn, seller.username);
    const row = await account(accountId);
    const expiresAt = row.authNAuthExpiresAt!;
    // 19.5 days before the hard expiry: inside the default 30-day window, long before eBay's own 7-day warning.
    setClockOffsetSeconds((expiresAt.getTime() - Date.now()) / 1000 - 19.5 * DAY_S);
    const evaluation = await evaluateWarnings(database.db, { now: now(), config: warningConfigFromEnv(), workspaceId: workspace.workspaceId });
    expect(evaluation.raised.filter((raised) => raised.accountId === accountId).map((raised) => raised.kind)).toEqual(["expiring"]);
    const warning = await database.db.warning.findFirstOrThrow({ where: { accountId, kind: "expiring" } });
    expect(warning.dedupeKey).toMatch(/^expiring-authnauth:/);
    expect(warning.title).toContain("Auth'n'Auth token expires in 19 days");
    expect(warning.message).toContain("eBay itself only warns in the last 7 days");

    expect(expiryBucket({ ...row, refreshTokenExpiresAt: null }, now())).toBe("within_30");
    const calendar = expiryCalendar({
      workspaceName: "W",
      now: now(),
      appUrl: "http://localhost:3000",
      accounts: [{ ...row, name: seller.username }],
    });
    expect(calendar.events.map((event) => event.summary)).toEqual([`eBay Auth'n'Auth token expires: ${seller.username}`]);
    expect(calendar.events[0]!.start.getTime()).toBe(expiresAt.getTime());
  });

  it("notices eBay's own HardExpirationWarning in the last 7 days, and says 'expired' once past it", async () => {
    const seller = await emulator.createSeller("anawarn");
    const accountId = await connectTestAuthNAuthToken(database.db, workspace, signIn, seller.username);
    const expiresAt = (await account(accountId)).authNAuthExpiresAt!;
    const untilWarning = Math.ceil((expiresAt.getTime() - (await emulator.now()).getTime()) / 1000 - 5 * DAY_S);
    await emulator.advanceClock(untilWarning);
    setClockOffsetSeconds(((await emulator.now()).getTime() - Date.now()) / 1000);
    await testAccount(database.db, { workspaceId: workspace.workspaceId, accountId, actor: actor(), trigger: "manual" });
    expect((await account(accountId)).authNAuthEbayWarningAt).toBeInstanceOf(Date);

    await emulator.advanceClock(6 * DAY_S);
    setClockOffsetSeconds(((await emulator.now()).getTime() - Date.now()) / 1000);
    const result = await testAccount(database.db, { workspaceId: workspace.workspaceId, accountId, actor: actor(), trigger: "manual" });
    expect(result).toMatchObject({ status: "needs_reauth", cause: "hard_expired" });
  });
});

describe("disconnect", () => {
  it("revokes the Auth'n'Auth token at eBay (RevokeToken) and deletes it", async () => {
    const { accountId } = await bothTokens("anadisc");
    const token = (await account(accountId)).authNAuthToken!;
    const result = await disconnectAccount(database.db, { workspaceId: workspace.workspaceId, accountId, actor: actor() });
    expect(result?.revokedAtEbay).toBe(true);
    expect((await getAuthNAuthTokenStatus(token)).status).toBe("RevokedByApp");
    expect(await account(accountId)).toMatchObject({ status: "disconnected", authNAuthToken: null, authNAuthExpiresAt: null, refreshTokenExpiresAt: null });
  });
});
