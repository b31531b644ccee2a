// Developer Analytics getRateLimits (GET /developer/analytics/v1_beta/rate_limit/): the app-wide daily quotas, read
// from the very counters that make the emulator answer 429 / Trading 518, so a client that trusts this report
// slows down exactly when it must.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { advanceClock, connectSeller, control, getUser, refresh, startEmulator, tokenRequest, trading, type RunningEmulator } from "./support";

const RATE_LIMIT_PATH = "/developer/analytics/v1_beta/rate_limit/";
const ACCESS_DENIED = {
  errors: [{ errorId: 1100, domain: "ACCESS", category: "REQUEST", message: "Access denied", longMessage: "Insufficient permissions to fulfill the request." }],
};

interface Rate {
  count: number;
  limit: number;
  remaining: number;
  reset: string;
  timeWindow: number;
}
interface RateLimitsBody {
  rateLimits: Array<{ apiContext: string; apiName: string; apiVersion: string; resources: Array<{ name: string; rates: Rate[] }> }>;
}

async function applicationToken(origin: string, scope?: string): Promise<string> {
  const response = await tokenRequest(origin, scope ? { grant_type: "client_credentials", scope } : { grant_type: "client_credentials" });
  if (response.status !== 200) throw new Error(`client_credentials failed with ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

function rateLimits(origin: string, token: string, query = ""): Promise<Response> {
  return fetch(`${origin}${RATE_LIMIT_PATH}${query}`, { headers: { authorization: `Bearer ${token}` } });
}

/** The single rate of one resource, e.g. rateOf(body, "identity", "commerce.identity.user"). */
function rateOf(body: RateLimitsBody, apiName: string, resourceName: string): Rate {
  const api = body.rateLimits.find((entry) => entry.apiName === apiName);
  const resource = api?.resources.find((entry) => entry.name === resourceName);
  if (!resource || resource.rates.length !== 1) throw new Error(`no single rate for ${apiName} ${resourceName}`);
  return resource.rates[0]!;
}

function nextUtcMidnight(isoNow: string): string {
  const day = 86_400_000;
  return new Date((Math.floor(Date.parse(isoNow) / day) + 1) * day).toISOString();
}

describe("GET /developer/analytics/v1_beta/rate_limit/", () => {
  let running: RunningEmulator;
  let origin: string;
  beforeAll(async () => {
    running = await startEmulator();
    origin = running.origin;
  });
  afterAll(() => running.emulator.close());
  beforeEach(async () => {
    await control(origin, "POST", "reset");
  });

  it("reports every app-wide daily quota with eBay's schema: count, limit, remaining, reset, timeWindow", async () => {
    const jane = await connectSeller(origin, "demo_us_jane");
    const store = await connectSeller(origin, "demo_us_store");
    await refresh(origin, jane.refreshToken);
    await getUser(origin, jane.accessToken);
    await getUser(origin, jane.accessToken);
    await getUser(origin, store.accessToken);
    await trading(origin, "GetTokenStatus", { iafToken: store.accessToken });
    const token = await applicationToken(origin);

    const response = await rateLimits(origin, token);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const body = (await response.json()) as RateLimitsBody;
    expect(Object.keys(body)).toEqual(["rateLimits"]);
    expect(body.rateLimits.map((api) => [api.apiContext, api.apiName, api.apiVersion, api.resources.map((resource) => resource.name)])).toEqual([
      ["tradingapi", "TradingAPI", "v1", ["TradingAPI"]],
      ["commerce", "identity", "v1", ["commerce.identity.user"]],
      ["developer", "analytics", "v1_beta", ["developer.analytics"]],
      ["commerce", "notification", "v1", ["commerce.notification"]],
      ["identity", "oauth2", "v1", ["authorization_code", "refresh_token", "client_credentials"]],
    ]);

    const reset = nextUtcMidnight((await control(origin, "GET", "clock")).json.now);
    const expected = (count: number, limit: number): Rate => ({ count, limit, remaining: limit - count, reset, timeWindow: 86_400 });
    expect(rateOf(body, "TradingAPI", "TradingAPI")).toEqual(expected(1, 5_000));
    // Counts are the app's, across sellers: jane's two calls and the store's one.
    expect(rateOf(body, "identity", "commerce.identity.user")).toEqual(expected(3, 5_000));
    // This very call is counted before the report is made.
    expect(rateOf(body, "analytics", "developer.analytics")).toEqual(expected(1, 5_000));
    expect(rateOf(body, "notification", "commerce.notification")).toEqual(expected(0, 10_000));
    expect(rateOf(body, "oauth2", "authorization_code")).toEqual(expected(2, 10_000));
    expect(rateOf(body, "oauth2", "refresh_token")).toEqual(expected(1, 50_000));
    expect(rateOf(body, "oauth2", "client_credentials")).toEqual(expected(1, 1_000));
    expect(Object.keys(rateOf(body, "TradingAPI", "TradingAPI"))).toEqual(["count", "limit", "remaining", "reset", "timeWindow"]);
  });

  it("filters by api_context and api_name, case-insensitively; no match is an empty list", async () => {
    const token = await applicationToken(origin);
    const names = async (query: string) => ((await (await rateLimits(origin, token, query)).json()) as RateLimitsBody).rateLimits.map((api) => api.apiName);
    expect(await names("?api_context=commerce")).toEqual(["identity", "notification"]);
    expect(await names("?api_context=COMMERCE&api_name=Identity")).toEqual(["identity"]);
    expect(await names("?api_name=tradingapi")).toEqual(["TradingAPI"]);
    expect(await names("?api_context=sell")).toEqual([]);
  });

  it("refuses user tokens (403 errorId 1100), app tokens without the public scope (403) and missing tokens (401)", async () => {
    const { accessToken } = await connectSeller(origin, "demo_us_jane");
    const withUserToken = await rateLimits(origin, accessToken);
    expect(withUserToken.status).toBe(403);
    expect(await withUserToken.json()).toEqual(ACCESS_DENIED);

    const feedOnly = await applicationToken(origin, "https://api.ebay.com/oauth/api_scope/buy.item.feed");
    expect((await rateLimits(origin, feedOnly)).status).toBe(403);

    expect((await fetch(`${origin}${RATE_LIMIT_PATH}`)).status).toBe(401);
    expect((await rateLimits(origin, "v1^1.1#never-issued")).status).toBe(401);
    expect((await fetch(`${origin}${RATE_LIMIT_PATH}`, { method: "POST" })).status).toBe(405);
  });
});

describe("rate_limit reads the counters that enforce the quotas", () => {
  let running: RunningEmulator;
  let origin: string;
  beforeAll(async () => {
    running = await startEmulator({ quotas: { api: 4, refreshToken: 2 } });
    origin = running.origin;
  });
  afterAll(() => running.emulator.close());
  beforeEach(async () => {
    await control(origin, "POST", "reset");
  });

  it("remaining 0 is exactly when Identity answers 429, refreshes answer 429 and Trading answers 518", async () => {
    const { accessToken, refreshToken } = await connectSeller(origin, "demo_us_jane");
    const token = await applicationToken(origin);
    for (let call = 0; call < 4; call++) expect((await getUser(origin, accessToken)).status).toBe(200);
    for (let call = 0; call < 4; call++) expect((await trading(origin, "GetTokenStatus", { iafToken: accessToken })).body.Ack).toBe("Success");
    for (let call = 0; call < 2; call++) expect((await refresh(origin, refreshToken)).status).toBe(200);

    const body = (await (await rateLimits(origin, token)).json()) as RateLimitsBody;
    expect(rateOf(body, "identity", "commerce.identity.user")).toMatchObject({ count: 4, limit: 4, remaining: 0 });
    expect(rateOf(body, "TradingAPI", "TradingAPI")).toMatchObject({ count: 4, limit: 4, remaining: 0 });
    expect(rateOf(body, "oauth2", "refresh_token")).toMatchObject({ count: 2, limit: 2, remaining: 0 });

    expect((await getUser(origin, accessToken)).status).toBe(429);
    expect((await refresh(origin, refreshToken)).status).toBe(429);
    expect((await trading(origin, "GetTokenStatus", { iafToken: accessToken })).body.Errors[0].ErrorCode).toBe("518");
    // Refused calls do not count: the report still says 4 of 4, not 5.
    const after = (await (await rateLimits(origin, token)).json()) as RateLimitsBody;
    expect(rateOf(after, "identity", "commerce.identity.user")).toMatchObject({ count: 4, remaining: 0 });
  });

  it("counts itself against the Developer Analytics quota and answers 429 when it is used up", async () => {
    const token = await applicationToken(origin);
    for (let call = 1; call <= 4; call++) {
      const body = (await (await rateLimits(origin, token)).json()) as RateLimitsBody;
      expect(rateOf(body, "analytics", "developer.analytics")).toMatchObject({ count: call, remaining: 4 - call });
    }
    const refused = await rateLimits(origin, token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("starts again at zero after virtual midnight, with reset one day later", async () => {
    const { accessToken } = await connectSeller(origin, "demo_us_jane");
    await getUser(origin, accessToken);
    const token = await applicationToken(origin);
    const before = rateOf((await (await rateLimits(origin, token)).json()) as RateLimitsBody, "identity", "commerce.identity.user");
    expect(before.count).toBe(1);

    await advanceClock(origin, 86_400);
    // The application token lived 2 hours; a day later the client mints a new one, as it would against eBay.
    const nextDayToken = await applicationToken(origin);
    const after = rateOf((await (await rateLimits(origin, nextDayToken)).json()) as RateLimitsBody, "identity", "commerce.identity.user");
    expect(after).toMatchObject({ count: 0, remaining: 4 });
    expect(Date.parse(after.reset) - Date.parse(before.reset)).toBe(86_400_000);
  });
});
