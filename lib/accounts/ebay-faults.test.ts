// eBay misbehaving at every step of a Test: the refresh (token endpoint), getUser (Identity) and GetTokenStatus
// (Trading), each answering a 200 with an HTML page, truncated JSON or XML, never finishing (timeout), dropping the
// connection, or an XML answer with an error code this release does not know. None of these is a verdict about the
// token: the account may show "eBay unavailable", but its last verdict stays healthy, its tokens stay stored, and
// the next Test with eBay well again says healthy. The real emulator over HTTP (its fault modes), behind a proxy
// for the two answers it cannot make; the real database; the product's own Test (lib/accounts/test-account.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { GET_USER_PATH, startEmulator, TOKEN_PATH, TRADING_PATH, type EmulatorHarness, type FaultSpec } from "@/test/support/emulator-harness";
import { connectTestAccount, createTestWorkspace, type TestWorkspace } from "@/test/support/connected-accounts";
import { startFaultProxy, type FaultProxy, type ProxyOverride } from "@/test/support/fault-proxy";
import { testAccount } from "@/lib/accounts/test-account";

let database: TestDatabase;
let emulator: EmulatorHarness;
let proxy: FaultProxy;
let workspace: TestWorkspace;

beforeAll(async () => {
  emulator = await startEmulator();
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  workspace = await createTestWorkspace(database.db);
  proxy = await startFaultProxy(emulator.origin);
  // The product talks to eBay through the proxy from here on (read on every call).
  process.env.EBAY_EMULATOR_URL = proxy.origin;
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await emulator?.close();
  await database?.cleanup();
});

type Step = "refresh" | "getUser" | "getTokenStatus";
const STEP_PATH: Record<Step, string> = { refresh: TOKEN_PATH, getUser: GET_USER_PATH, getTokenStatus: TRADING_PATH };

const HTML_PAGE = "<!DOCTYPE html><html><head><title>eBay</title></head><body><h1>We're having a problem</h1></body></html>";
const UNKNOWN_TRADING_ERROR = `<?xml version="1.0" encoding="UTF-8"?>
<GetTokenStatusResponse xmlns="urn:ebay:apis:eBLBaseComponents"><Timestamp>2026-11-29T06:00:00.000Z</Timestamp><Ack>Failure</Ack>
<Errors><ShortMessage>A new kind of problem.</ShortMessage><LongMessage>An error eBay added after this release.</LongMessage>
<ErrorCode>99917</ErrorCode><SeverityCode>Error</SeverityCode><ErrorClassification>RequestError</ErrorClassification></Errors>
<Version>1349</Version><Build>E1349_CORE</Build></GetTokenStatusResponse>`;

type Fault = { name: string; steps: Step[]; emulator?: (path: string) => FaultSpec; proxy?: (path: string) => ProxyOverride };

const FAULTS: Fault[] = [
  {
    name: "a 200 with an HTML page",
    steps: ["refresh", "getUser", "getTokenStatus"],
    proxy: (path) => (request) => (request.path.startsWith(path) ? { status: 200, contentType: "text/html; charset=utf-8", body: HTML_PAGE } : undefined),
  },
  { name: "truncated JSON or XML", steps: ["refresh", "getUser", "getTokenStatus"], emulator: (path) => ({ pathPrefix: path, mode: "malformed" }) },
  { name: "no answer at all (timeout)", steps: ["refresh", "getUser", "getTokenStatus"], emulator: (path) => ({ pathPrefix: path, mode: "timeout" }) },
  {
    name: "a body that starts and never ends (timeout)",
    steps: ["refresh", "getUser", "getTokenStatus"],
    proxy: (path) => (request) =>
      request.path.startsWith(path) ? { status: 200, contentType: path === TRADING_PATH ? "text/xml" : "application/json", body: path === TRADING_PATH ? "<?xml version=\"1.0\"?><GetTokenStatusResponse>" : '{"access_token":"v^1.1#', stall: true } : undefined,
  },
  { name: "a connection reset", steps: ["refresh", "getUser", "getTokenStatus"], emulator: (path) => ({ pathPrefix: path, mode: "reset" }) },
  {
    name: "an XML answer with an unknown error code",
    steps: ["getTokenStatus"],
    proxy: (path) => (request) =>
      request.path.startsWith(path) && request.headers["x-ebay-api-call-name"] === "GetTokenStatus"
        ? { status: 200, contentType: "text/xml; charset=utf-8", body: UNKNOWN_TRADING_ERROR }
        : undefined,
  },
];

async function connectHealthyAccount(): Promise<string> {
  const seller = await emulator.createSeller("faults");
  return connectTestAccount(database.db, workspace, (username, options) => emulator.consent(username, options), seller.username);
}

async function runTest(accountId: string) {
  return testAccount(database.db, { workspaceId: workspace.workspaceId, accountId, actor: { userId: null, label: "fault suite" }, trigger: "manual" });
}

describe("eBay faults during a Test", () => {
  for (const fault of FAULTS) {
    for (const step of fault.steps) {
      it(`${fault.name} from ${step}: no verdict, nothing marked bad, healthy again once eBay is`, { timeout: 30_000 }, async () => {
        const accountId = await connectHealthyAccount();
        // A refresh happens only when the stored access token is due: make it due for that step.
        if (step === "refresh") {
          await database.db.ebayAccount.update({ where: { id: accountId }, data: { accessTokenExpiresAt: new Date(Date.now() - 60_000) } });
        }
        const path = STEP_PATH[step];
        if (fault.emulator) await emulator.fault(fault.emulator(path));
        if (fault.proxy) proxy.override(fault.proxy(path));
        let during;
        try {
          during = await runTest(accountId);
        } finally {
          await emulator.clearFaults();
          proxy.override(null);
        }
        expect(during.status, JSON.stringify(during)).not.toBe("needs_reauth");
        const stored = await database.db.ebayAccount.findUniqueOrThrow({
          where: { id: accountId },
          omit: { accessToken: false, refreshToken: false },
        });
        expect(stored.verdictStatus).toBe("healthy");
        expect(["healthy", "ebay_unavailable"]).toContain(stored.status);
        expect(stored.refreshToken).toMatch(/^v\^1\.1#/);

        const after = await runTest(accountId);
        expect(after.status, JSON.stringify(after)).toBe("healthy");
      });
    }
  }
});
