// Faults, quotas and the virtual clock: each behaviour has a test that fails if it stops working.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  DEMO_APP,
  advanceClock,
  connectSeller,
  control,
  errorCodes,
  getUser,
  refresh,
  startEmulator,
  tokenRequest,
  trading,
  type RunningEmulator,
} from "./support";

const TOO_MANY_REQUESTS = {
  errors: [{ errorId: 2001, domain: "ACCESS", category: "REQUEST", message: "Too many requests.", longMessage: "The request limit has been reached for the resource." }],
};

describe("faults", () => {
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

  const clientCredentials = () => tokenRequest(origin, { grant_type: "client_credentials" });

  it("answers the injected status with Retry-After and an eBay body, for `count` requests only", async () => {
    const created = await control(origin, "POST", "faults", { pathPrefix: "/identity/", status: 503, retryAfterSeconds: 7, count: 2 });
    expect(created.status).toBe(201);
    expect(created.json.fault).toMatchObject({ pathPrefix: "/identity/", status: 503, retryAfterSeconds: 7, count: 2, rate: 1 });
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await clientCredentials();
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("7");
      expect((await response.json()).errors[0].message).toBe("Service Unavailable");
    }
    expect((await clientCredentials()).status).toBe(200);
  });

  it("answers 429 with eBay's errorId 2001 body", async () => {
    await control(origin, "POST", "faults", { status: 429, retryAfterSeconds: 30 });
    const response = await clientCredentials();
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("30");
    expect(await response.json()).toEqual(TOO_MANY_REQUESTS);
  });

  it("only touches requests under pathPrefix and never the control API", async () => {
    await control(origin, "POST", "faults", { pathPrefix: "/ws/api.dll", status: 500 });
    expect((await clientCredentials()).status).toBe(200);
    expect((await control(origin, "GET", "health")).status).toBe(200);
    const tradingAnswer = await fetch(`${origin}/ws/api.dll`, { method: "POST", headers: { "x-ebay-api-call-name": "GetUser" }, body: "<x/>" });
    expect(tradingAnswer.status).toBe(500);
  });

  it("rate 0 never fires and rate 1 always does", async () => {
    await control(origin, "POST", "faults", { status: 500, rate: 0 });
    for (let attempt = 0; attempt < 20; attempt++) expect((await clientCredentials()).status).toBe(200);
    await control(origin, "DELETE", "faults");
    await control(origin, "POST", "faults", { status: 502, rate: 1 });
    for (let attempt = 0; attempt < 5; attempt++) expect((await clientCredentials()).status).toBe(502);
  });

  it("rate 0.5 affects some requests and spares others", async () => {
    await control(origin, "POST", "faults", { status: 500, rate: 0.5 });
    const statuses = new Set<number>();
    for (let attempt = 0; attempt < 200; attempt++) statuses.add((await clientCredentials()).status);
    expect([...statuses].sort()).toEqual([200, 500]);
  });

  it("delays answers by latencyMs and then answers normally", async () => {
    await control(origin, "POST", "faults", { latencyMs: 300, count: 1 });
    const started = performance.now();
    const response = await clientCredentials();
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("timeout mode never answers, so the client's own timeout fires", async () => {
    await control(origin, "POST", "faults", { mode: "timeout", count: 1 });
    const error = await fetch(`${origin}/commerce/identity/v1/user/`, { signal: AbortSignal.timeout(400) }).catch((caught: unknown) => caught);
    expect((error as Error).name).toBe("TimeoutError");
    expect((await getUser(origin, "x")).status).toBe(401);
  });

  it("reset mode drops the connection", async () => {
    await control(origin, "POST", "faults", { mode: "reset", count: 1 });
    const error = await clientCredentials().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((await clientCredentials()).status).toBe(200);
  });

  it("malformed mode answers an unparseable body", async () => {
    await control(origin, "POST", "faults", { mode: "malformed", count: 2 });
    const json = await clientCredentials();
    expect(json.status).toBe(200);
    expect(json.headers.get("content-type")).toBe("application/json");
    await expect(json.json()).rejects.toThrow();
    const xml = await fetch(`${origin}/ws/api.dll`, { method: "POST", headers: { "x-ebay-api-call-name": "GetTokenStatus" }, body: "<x/>" });
    expect(await xml.text()).not.toContain("</GetTokenStatusResponse>");
  });

  it("DELETE /__emulator/faults and reset clear faults; bad fault bodies are refused", async () => {
    await control(origin, "POST", "faults", { status: 500 });
    expect((await control(origin, "DELETE", "faults")).json).toEqual({ cleared: 1 });
    expect((await clientCredentials()).status).toBe(200);
    await control(origin, "POST", "faults", { status: 500 });
    await control(origin, "POST", "reset");
    expect((await clientCredentials()).status).toBe(200);
    for (const bad of [{}, { status: 42 }, { mode: "explode" }, { status: 500, rate: 2 }, { status: 500, count: 0 }, { status: 500, pathPrefix: "x" }]) {
      expect((await control(origin, "POST", "faults", bad)).status).toBe(400);
    }
  });
});

describe("quotas", () => {
  let running: RunningEmulator;
  let origin: string;
  beforeAll(async () => {
    running = await startEmulator({ quotas: { authorizationCode: 2, refreshToken: 3, clientCredentials: 1, api: 2 } });
    origin = running.origin;
  });
  afterAll(() => running.emulator.close());
  beforeEach(async () => {
    await control(origin, "POST", "reset");
  });

  async function expectQuotaAnswer(response: Response): Promise<void> {
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual(TOO_MANY_REQUESTS);
    const retryAfter = Number(response.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
  }

  it("limits client_credentials grants per app per day and resets at virtual midnight", async () => {
    expect((await tokenRequest(origin, { grant_type: "client_credentials" })).status).toBe(200);
    await expectQuotaAnswer(await tokenRequest(origin, { grant_type: "client_credentials" }));
    await advanceClock(origin, 86_400);
    expect((await tokenRequest(origin, { grant_type: "client_credentials" })).status).toBe(200);
  });

  it("limits authorization_code and refresh_token grants separately; /reset restores them", async () => {
    const first = await connectSeller(origin, "demo_us_jane");
    await connectSeller(origin, "demo_us_store");
    const code = new URL((await control(origin, "POST", "consent", { username: "demo_au_mick" })).json.location).searchParams.get("code")!;
    await expectQuotaAnswer(await tokenRequest(origin, { grant_type: "authorization_code", code, redirect_uri: DEMO_APP.ruName }));

    for (let attempt = 0; attempt < 3; attempt++) expect((await refresh(origin, first.refreshToken)).status).toBe(200);
    await expectQuotaAnswer(await refresh(origin, first.refreshToken));

    await control(origin, "POST", "reset");
    expect((await connectSeller(origin, "demo_us_jane")).accessToken).toBeTruthy();
  });

  it("limits Identity with 429/2001 and Trading with error 518, per API", async () => {
    const { accessToken } = await connectSeller(origin, "demo_us_jane");
    expect((await getUser(origin, accessToken)).status).toBe(200);
    expect((await getUser(origin, accessToken)).status).toBe(200);
    await expectQuotaAnswer(await getUser(origin, accessToken));

    expect((await trading(origin, "GetTokenStatus", { iafToken: accessToken })).body.Ack).toBe("Success");
    expect((await trading(origin, "GetTokenStatus", { iafToken: accessToken })).body.Ack).toBe("Success");
    const limited = await trading(origin, "GetTokenStatus", { iafToken: accessToken });
    expect(limited.status).toBe(200);
    expect(errorCodes(limited)).toEqual(["518"]);
    expect(limited.body.Errors[0].LongMessage).toBe("Your application has exceeded usage limit on this call.");
  });

  it("reads quotas from the environment", async () => {
    const { optionsFromEnv } = await import("../src/config");
    const options = optionsFromEnv({
      EBAY_EMULATOR_QUOTA_AUTHORIZATION_CODE: "5",
      EBAY_EMULATOR_QUOTA_REFRESH_TOKEN: "6",
      EBAY_EMULATOR_QUOTA_CLIENT_CREDENTIALS: "7",
      EBAY_EMULATOR_QUOTA_API: "8",
    });
    expect(options.quotas).toEqual({ authorizationCode: 5, refreshToken: 6, clientCredentials: 7, api: 8 });
    expect(() => optionsFromEnv({ EBAY_EMULATOR_QUOTA_API: "-1" })).toThrow();
  });
});

describe("virtual clock", () => {
  let running: RunningEmulator;
  let origin: string;
  beforeAll(async () => {
    running = await startEmulator();
    origin = running.origin;
  });
  afterAll(() => running.emulator.close());
  afterEach(async () => {
    await control(origin, "POST", "reset");
  });

  it("answers {now, offsetSeconds}, advances, and returns to real time on reset", async () => {
    const before = await control(origin, "GET", "clock");
    expect(before.status).toBe(200);
    expect(Object.keys(before.json)).toEqual(["now", "offsetSeconds"]);
    expect(before.json.offsetSeconds).toBe(0);

    const eighteenMonths = 18 * 30 * 86_400;
    const advanced = await control(origin, "POST", "clock", { advanceSeconds: eighteenMonths });
    expect(advanced.status).toBe(200);
    expect(advanced.json.offsetSeconds).toBe(eighteenMonths);
    expect(Date.parse(advanced.json.now) - Date.parse(before.json.now)).toBeGreaterThanOrEqual(eighteenMonths * 1000);

    const tradingTimestamp = (await trading(origin, "GetUser", {})).body.Timestamp as string;
    expect(Date.parse(tradingTimestamp)).toBeGreaterThanOrEqual(Date.parse(advanced.json.now));

    await control(origin, "POST", "reset");
    expect((await control(origin, "GET", "clock")).json.offsetSeconds).toBe(0);
  });

  it("refuses negative or missing advanceSeconds", async () => {
    expect((await control(origin, "POST", "clock", { advanceSeconds: -5 })).status).toBe(400);
    expect((await control(origin, "POST", "clock", {})).status).toBe(400);
    expect((await control(origin, "POST", "clock", { advanceSeconds: "60" })).status).toBe(400);
  });
});
