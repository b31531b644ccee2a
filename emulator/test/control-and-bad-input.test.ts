// The control API's contract, and proof that bad input anywhere gets an eBay-shaped answer instead of a crash.
import { connect } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { userIdFor } from "../src/tokens";
import {
  DEMO_APP,
  PRODUCT_SCOPES,
  basicAuth,
  connectSeller,
  control,
  getUser,
  refresh,
  startEmulator,
  tokenRequest,
  trading,
  type RunningEmulator,
} from "./support";

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

describe("control API", () => {
  it("GET /__emulator/health reports status, clock, apps and sellers without secrets", async () => {
    const { status, json } = await control(origin, "GET", "health");
    expect(status).toBe(200);
    expect(json).toMatchObject({ status: "ok", apps: [{ clientId: DEMO_APP.clientId, ruNames: [DEMO_APP.ruName] }], sellers: 6 });
    expect(JSON.stringify(json)).not.toContain(DEMO_APP.clientSecret);
  });

  it("seeds at least five demo sellers across account types and marketplaces", async () => {
    const sellers = [...running.emulator.context.state.sellersByUsername.values()];
    expect(sellers.length).toBeGreaterThanOrEqual(5);
    expect(new Set(sellers.map((seller) => seller.accountType))).toEqual(new Set(["BUSINESS", "INDIVIDUAL"]));
    expect(new Set(sellers.map((seller) => seller.registrationMarketplaceId))).toEqual(new Set(["EBAY_US", "EBAY_GB", "EBAY_DE", "EBAY_AU", "EBAY_FR"]));
    expect(sellers.every((seller) => /^[a-z2-7]{11}$/.test(seller.userId))).toBe(true);
  });

  it("POST /__emulator/users creates a seller who can consent; duplicates and bad input are refused", async () => {
    const created = await control(origin, "POST", "users", { username: "new_seller", password: "s3cret", accountType: "BUSINESS", marketplaceId: "EBAY_IT" });
    expect(created.status).toBe(201);
    expect(created.json.user).toMatchObject({ username: "new_seller", userId: userIdFor("new_seller"), accountType: "BUSINESS", registrationMarketplaceId: "EBAY_IT", status: "CONFIRMED" });
    const { accessToken } = await connectSeller(origin, "new_seller");
    expect((await (await getUser(origin, accessToken)).json()).registrationMarketplaceId).toBe("EBAY_IT");

    const withId = await control(origin, "POST", "users", { username: "chosen_id", userId: "abcdefghijk" });
    expect(withId.json.user.userId).toBe("abcdefghijk");
    expect((await control(origin, "POST", "users", { username: "other", userId: "abcdefghijk" })).status).toBe(409);
    expect((await control(origin, "POST", "users", { username: "NEW_SELLER" })).status).toBe(409);
    for (const bad of [{}, { username: "x" }, { username: "ok_name", accountType: "ROBOT" }, { username: "ok_name", marketplaceId: "US" }]) {
      expect((await control(origin, "POST", "users", bad)).status).toBe(400);
    }
    await control(origin, "POST", "reset");
    expect((await control(origin, "POST", "consent", { username: "new_seller" })).status).toBe(404);
  });

  it("POST /__emulator/consent answers the accept URL the browser flow would redirect to", async () => {
    const { status, json } = await control(origin, "POST", "consent", { username: "demo_us_jane", state: "st-1" });
    expect(status).toBe(200);
    expect(Object.keys(json)).toEqual(["location"]);
    const url = new URL(json.location);
    expect(`${url.origin}${url.pathname}`).toBe(DEMO_APP.acceptUrl);
    expect(url.searchParams.get("state")).toBe("st-1");
    expect(url.searchParams.get("expires_in")).toBe("299");
    expect((await control(origin, "POST", "consent", { username: "demo_us_jane", scopes: ["https://nope"] })).status).toBe(400);
    expect((await control(origin, "POST", "consent", { username: "demo_us_jane", clientId: "nobody" })).status).toBe(404);
    expect((await control(origin, "POST", "consent", {})).status).toBe(400);
  });

  it("GET /__emulator/calls counts per path, Trading call, grant type and refreshes per user", async () => {
    const jane = await connectSeller(origin, "demo_us_jane");
    const store = await connectSeller(origin, "demo_us_store");
    await refresh(origin, jane.refreshToken);
    await refresh(origin, jane.refreshToken);
    await refresh(origin, store.refreshToken);
    await trading(origin, "GetTokenStatus", { iafToken: jane.accessToken });
    await trading(origin, "GetUser", { iafToken: jane.accessToken });
    await getUser(origin, jane.accessToken);
    await fetch(`${origin}/commerce/notification/v1/public_key/abc`);

    const { json } = await control(origin, "GET", "calls");
    expect(json.total).toBe(9);
    expect(json.byPath).toEqual({
      "/identity/v1/oauth2/token": 5,
      "/ws/api.dll": 2,
      "/commerce/identity/v1/user/": 1,
      "/commerce/notification/v1/public_key/{kid}": 1,
    });
    expect(json.byTradingCall).toEqual({ GetTokenStatus: 1, GetUser: 1 });
    expect(json.byGrantType).toEqual({ authorization_code: 2, refresh_token: 3 });
    expect(json.refreshesByUsername).toEqual({ demo_us_jane: 2, demo_us_store: 1 });
    expect(json.refreshesByUserId).toEqual({ [userIdFor("demo_us_jane")]: 2, [userIdFor("demo_us_store")]: 1 });

    await control(origin, "POST", "reset");
    expect((await control(origin, "GET", "calls")).json.total).toBe(0);
  });

  it("answers 404 and 405 JSON for unknown control routes and methods", async () => {
    expect((await control(origin, "GET", "nope")).status).toBe(404);
    const wrong = await fetch(`${origin}/__emulator/reset`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
    const broken = await fetch(`${origin}/__emulator/users`, { method: "POST", body: "{not json" });
    expect([broken.status, (await broken.json()).error]).toEqual([400, "body must be valid JSON"]);
  });
});

describe("bad input never crashes", () => {
  const restError = expect.objectContaining({ errors: [expect.objectContaining({ errorId: expect.any(Number), message: expect.any(String) })] });

  it.each([
    ["GET", "/identity/v1/oauth2/token"],
    ["PUT", "/identity/v1/oauth2/token/revoke"],
    ["POST", "/commerce/identity/v1/user/"],
    ["DELETE", "/oauth2/authorize"],
    ["POST", "/developer/analytics/v1_beta/user_rate_limit/"],
    ["POST", "/commerce/notification/v1/public_key/abc"],
  ])("%s %s answers 405 with an eBay error body", async (method, route) => {
    const response = await fetch(`${origin}${route}`, { method });
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual(restError);
  });

  it("GET /ws/api.dll answers a Trading failure envelope", async () => {
    const response = await fetch(`${origin}/ws/api.dll`);
    expect(response.status).toBe(405);
    expect(await response.text()).toContain("<Ack>Failure</Ack>");
  });

  it("unknown routes answer 404 with an eBay error body", async () => {
    for (const route of ["/", "/sell/inventory/v1/inventory_item", "/identity/v1/oauth2/tokens", "/%E0%A4%A"]) {
      const response = await fetch(`${origin}${route}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual(restError);
    }
  });

  it("bodies over 1 MB answer 413 (REST and Trading) and the server keeps serving", async () => {
    const big = "a".repeat(1024 * 1024 + 1);
    const token = await tokenRequest(origin, { grant_type: "client_credentials", padding: big });
    expect(token.status).toBe(413);
    expect(await token.json()).toEqual(restError);
    const tradingAnswer = await fetch(`${origin}/ws/api.dll`, { method: "POST", headers: { "x-ebay-api-call-name": "GetUser" }, body: big });
    expect(tradingAnswer.status).toBe(413);
    expect(await tradingAnswer.text()).toContain("<Ack>Failure</Ack>");
    const controlAnswer = await fetch(`${origin}/__emulator/users`, { method: "POST", body: big });
    expect(controlAnswer.status).toBe(413);
    expect((await tokenRequest(origin, { grant_type: "client_credentials" })).status).toBe(200);
  });

  it("broken XML, empty bodies and missing call names get Trading errors", async () => {
    const post = (headers: Record<string, string>, body: string) => fetch(`${origin}/ws/api.dll`, { method: "POST", headers, body }).then((response) => response.text());
    expect(await post({ "x-ebay-api-call-name": "GetTokenStatus" }, "")).toContain("<ErrorCode>5</ErrorCode>");
    expect(await post({ "x-ebay-api-call-name": "GetTokenStatus" }, "<<<>>>")).toContain("<ErrorCode>5</ErrorCode>");
    expect(await post({}, "<GetUserRequest/>")).toContain("<ErrorCode>2</ErrorCode>");
  });

  it("answers a raw garbage request line with 400 and keeps serving", async () => {
    const { port } = new URL(origin);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), "127.0.0.1", () => socket.write("THIS IS NOT HTTP\r\n\r\n"));
      let data = "";
      socket.on("data", (chunk) => (data += chunk.toString()));
      socket.on("close", () => resolve(data));
      socket.on("error", () => resolve(data));
    });
    expect(answer.startsWith("HTTP/1.1 400")).toBe(true);
    expect((await control(origin, "GET", "health")).status).toBe(200);
  });

  it("form bodies with odd encodings do not crash the token endpoint", async () => {
    const response = await fetch(`${origin}/identity/v1/oauth2/token`, {
      method: "POST",
      headers: { authorization: basicAuth(), "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=refresh_token&refresh_token=%E0%A4%A&scope=%",
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBe("invalid_grant");
  });
});

describe("configuration from the environment and EBAY_EMULATOR_CONFIG", () => {
  it("registers the product app from EBAY_* variables and extra apps and sellers from the config file", async () => {
    const { optionsFromEnv } = await import("../src/config");
    const options = optionsFromEnv({
      EBAY_CLIENT_ID: "Prod-App-PRD-1",
      EBAY_CLIENT_SECRET: "prod-secret",
      EBAY_RU_NAME: "Prod-RuName",
      EBAY_EMULATOR_ACCEPT_URL: "http://localhost:3100/api/ebay/callback",
      EBAY_EMULATOR_CONFIG: path.join(__dirname, "..", "demo-config.json"),
    });
    const configured = await startEmulator(options);
    try {
      const health = (await control(configured.origin, "GET", "health")).json;
      expect(health.apps.map((app: { clientId: string }) => app.clientId)).toEqual(["Prod-App-PRD-1", "PartnerA-Partner-EMU-0a1b2c3d4-5e6f7a8b"]);
      expect(health.sellers).toBe(8);
      const consent = await control(configured.origin, "POST", "consent", { username: "acme_outlet", state: "c" });
      expect(consent.json.location.startsWith("http://localhost:3100/api/ebay/callback?state=c&code=")).toBe(true);
      const partner = await connectSeller(configured.origin, "it_collezioni", {
        clientId: "PartnerA-Partner-EMU-0a1b2c3d4-5e6f7a8b",
        clientSecret: "EMU-partner-0a1b-2c3d-4e5f-6a7b8c9d0e1f",
        ruName: "Partner_App-PartnerA-EMU-ijklmnop",
      });
      expect((await (await getUser(configured.origin, partner.accessToken)).json()).registrationMarketplaceId).toBe("EBAY_IT");
    } finally {
      await configured.emulator.close();
    }
  });
});

describe("state file persistence (demos)", () => {
  it("keeps sellers, grants and the clock across a restart", async () => {
    const folder = mkdtempSync(path.join(tmpdir(), "ebay-emulator-state-"));
    const stateFile = path.join(folder, "state.json");
    try {
      const first = await startEmulator({ stateFile });
      await control(first.origin, "POST", "users", { username: "persisted_seller" });
      const { refreshToken } = await connectSeller(first.origin, "persisted_seller");
      await control(first.origin, "POST", "clock", { advanceSeconds: 3_600 });
      await first.emulator.close();

      const second = await startEmulator({ stateFile });
      try {
        expect((await control(second.origin, "GET", "clock")).json.offsetSeconds).toBe(3_600);
        const refreshed = await tokenRequest(second.origin, { grant_type: "refresh_token", refresh_token: refreshToken, scope: PRODUCT_SCOPES.join(" ") });
        expect(refreshed.status).toBe(200);
      } finally {
        await second.emulator.close();
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
