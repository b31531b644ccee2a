// Contract: Identity getUser, Trading (OAuth and Auth'n'Auth), Developer Analytics and every revocation reason.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eiasTokenFor, userIdFor } from "../src/tokens";
import {
  DEMO_APP,
  PRODUCT_SCOPES,
  advanceClock,
  connectSeller,
  control,
  errorCodes,
  getUser,
  refresh,
  signInAndAgree,
  startAuthNAuthSession,
  startEmulator,
  tokenRequest,
  trading,
  type RunningEmulator,
} from "./support";

const INVALID_ACCESS_TOKEN = {
  errors: [
    {
      errorId: 1001,
      domain: "OAuth",
      category: "REQUEST",
      message: "Invalid access token",
      longMessage: "Invalid access token. Check the value of the Authorization HTTP request header.",
    },
  ],
};
const ACCESS_DENIED = {
  errors: [{ errorId: 1100, domain: "ACCESS", category: "REQUEST", message: "Access denied", longMessage: "Insufficient permissions to fulfill the request." }],
};
const INVALID_GRANT_REFRESH = { error: "invalid_grant", error_description: "the provided authorization refresh token is invalid or was issued to another client" };

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

describe("GET /commerce/identity/v1/user/", () => {
  it("returns the seller's immutable userId and account facts", async () => {
    const { accessToken } = await connectSeller(origin, "demo_de_haendler");
    const response = await getUser(origin, accessToken);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("x-ebay-c-request-id")).toMatch(/^ri=/);
    expect(await response.json()).toEqual({
      userId: userIdFor("demo_de_haendler"),
      username: "demo_de_haendler",
      accountType: "BUSINESS",
      registrationMarketplaceId: "EBAY_DE",
      status: "CONFIRMED",
    });
  });

  it("adds account details only for the name and email scopes", async () => {
    const scopes = [
      ...PRODUCT_SCOPES,
      "https://api.ebay.com/oauth/api_scope/commerce.identity.name.readonly",
      "https://api.ebay.com/oauth/api_scope/commerce.identity.email.readonly",
    ];
    const { accessToken } = await connectSeller(origin, "demo_us_jane", { scopes });
    const body = await (await getUser(origin, accessToken)).json();
    expect(body.individualAccount).toEqual({ firstName: "Jane", lastName: "Miller", email: "demo_us_jane@example.com" });
  });

  it("answers 401 errorId 1001 for missing, unknown and malformed tokens", async () => {
    for (const headers of [{}, { authorization: "Bearer nope" }, { authorization: "Basic abc" }] as Array<Record<string, string>>) {
      const response = await fetch(`${origin}/commerce/identity/v1/user/`, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(INVALID_ACCESS_TOKEN);
    }
  });

  it("answers 403 errorId 1100 when the identity scope is missing", async () => {
    const { accessToken } = await connectSeller(origin, "demo_us_jane", { scopes: [PRODUCT_SCOPES[0]!, PRODUCT_SCOPES[2]!] });
    const response = await getUser(origin, accessToken);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual(ACCESS_DENIED);
  });
});

describe("revocation reasons", () => {
  it.each([
    ["REVOKED_BY_USER", "RevokedByUser"],
    ["REVOKED_BY_EBAY", "RevokedByeBay"],
    ["REVOKED_BY_APP", "RevokedByApp"],
    ["PASSWORD_CHANGE", "Invalid"],
  ])("%s kills refresh and minted access tokens; GetTokenStatus reports %s with RevocationTime", async (reason, status) => {
    const { accessToken, refreshToken } = await connectSeller(origin, "demo_us_store");
    const before = await trading(origin, "GetTokenStatus", { iafToken: accessToken });
    expect(before.body.Ack).toBe("Success");
    expect(before.body.TokenStatus.Status).toBe("Active");

    const revoke = await control(origin, "POST", "users/demo_us_store/revoke", { reason });
    expect(revoke.status).toBe(200);
    expect(revoke.json).toMatchObject({ username: "demo_us_store", reason, revoked: { refreshTokens: 1, accessTokens: 1 } });

    const refreshed = await refresh(origin, refreshToken);
    expect([refreshed.status, await refreshed.json()]).toEqual([400, INVALID_GRANT_REFRESH]);
    const identity = await getUser(origin, accessToken);
    expect([identity.status, await identity.json()]).toEqual([401, INVALID_ACCESS_TOKEN]);
    const getUserCall = await trading(origin, "GetUser", { iafToken: accessToken });
    expect(getUserCall.body.Ack).toBe("Failure");
    expect(errorCodes(getUserCall)).toEqual(["931"]);

    const after = await trading(origin, "GetTokenStatus", { iafToken: accessToken });
    expect(after.body.Ack).toBe("Success");
    expect(after.body.TokenStatus.Status).toBe(status);
    expect(after.body.TokenStatus.RevocationTime).toBe(revoke.json.revocationTime);
    expect(after.body.TokenStatus.EIASToken).toBe(eiasTokenFor(userIdFor("demo_us_store")));
  });

  it("revokes only the named seller and rejects unknown reasons and sellers", async () => {
    const jane = await connectSeller(origin, "demo_us_jane");
    await connectSeller(origin, "demo_us_store");
    await control(origin, "POST", "users/demo_us_store/revoke", { reason: "REVOKED_BY_USER" });
    expect((await refresh(origin, jane.refreshToken)).status).toBe(200);
    expect((await control(origin, "POST", "users/demo_us_store/revoke", { reason: "BORED" })).status).toBe(400);
    expect((await control(origin, "POST", "users/nobody/revoke", { reason: "REVOKED_BY_USER" })).status).toBe(404);
  });
});

describe("POST /ws/api.dll with OAuth (X-EBAY-API-IAF-TOKEN)", () => {
  it("answers GetTokenStatus Active with the real envelope", async () => {
    const { accessToken } = await connectSeller(origin, "demo_us_jane");
    const answer = await trading(origin, "GetTokenStatus", { iafToken: accessToken });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe("text/xml;charset=utf-8");
    expect(answer.raw).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<GetTokenStatusResponse xmlns="urn:ebay:apis:eBLBaseComponents">/);
    expect(Object.keys(answer.body)).toEqual(["Timestamp", "Ack", "Version", "Build", "TokenStatus"]);
    expect(answer.body.TokenStatus.Status).toBe("Active");
    expect(answer.body.TokenStatus.RevocationTime).toBeUndefined();
  });

  it("answers GetUser with the seller's account", async () => {
    const { accessToken } = await connectSeller(origin, "demo_uk_traders");
    const answer = await trading(origin, "GetUser", { iafToken: accessToken });
    expect(answer.body.Ack).toBe("Success");
    expect(answer.body.User).toMatchObject({ UserID: "demo_uk_traders", Site: "UK", Status: "Confirmed", EIASToken: eiasTokenFor(userIdFor("demo_uk_traders")) });
    expect(answer.body.User.SellerInfo.SellerBusinessType).toBe("Commercial");
  });

  it("answers 21916984 for an unknown IAF token and 930 without any credentials", async () => {
    const unknown = await trading(origin, "GetTokenStatus", { iafToken: "v^1.1#i^1#nonsense" });
    expect(unknown.status).toBe(200);
    expect(unknown.body.Ack).toBe("Failure");
    expect(unknown.body.Errors).toEqual([
      { ShortMessage: "Invalid IAF token.", LongMessage: "IAF token supplied is invalid.", ErrorCode: "21916984", SeverityCode: "Error", ErrorClassification: "RequestError" },
    ]);
    expect(unknown.raw).toContain("<LongMessage>IAF token supplied is invalid. </LongMessage>");
    const none = await trading(origin, "GetUser", {});
    expect(errorCodes(none)).toEqual(["930"]);
  });

  it("answers 932 for an expired access token (configurable to 21917053)", async () => {
    const { accessToken } = await connectSeller(origin, "demo_us_jane");
    await advanceClock(origin, 7_200);
    const expired = await trading(origin, "GetTokenStatus", { iafToken: accessToken });
    expect(expired.body.Errors[0]).toMatchObject({ ErrorCode: "932", ShortMessage: "Auth token is hard expired." });

    const other = await startEmulator({ expiredIafErrorCode: 21917053 });
    try {
      const connected = await connectSeller(other.origin, "demo_us_jane");
      await advanceClock(other.origin, 7_200);
      const answer = await trading(other.origin, "GetUser", { iafToken: connected.accessToken });
      expect(answer.body.Errors[0]).toMatchObject({ ErrorCode: "21917053", ShortMessage: "Expired IAF token." });
    } finally {
      await other.emulator.close();
    }
  });

  it("RevokeToken with an OAuth token revokes its grant as RevokedByApp", async () => {
    const { accessToken, refreshToken } = await connectSeller(origin, "demo_us_jane");
    const answer = await trading(origin, "RevokeToken", { iafToken: accessToken });
    expect(answer.body.Ack).toBe("Success");
    expect((await refresh(origin, refreshToken)).status).toBe(400);
    expect((await trading(origin, "GetTokenStatus", { iafToken: accessToken })).body.TokenStatus.Status).toBe("RevokedByApp");
  });

  it("answers error 2 for an unsupported call and 5 for broken XML", async () => {
    const unsupported = await trading(origin, "AddItem", {});
    expect(unsupported.body.Errors[0]).toMatchObject({ ErrorCode: "2", LongMessage: 'The API call "AddItem" is invalid or not supported in this release.' });
    const broken = await fetch(`${origin}/ws/api.dll`, { method: "POST", headers: { "x-ebay-api-call-name": "GetUser" }, body: "<GetUserRequest><oops>" });
    expect(broken.status).toBe(200);
    const xml = await broken.text();
    expect(xml).toContain("<Ack>Failure</Ack>");
    expect(xml).toContain("<ErrorCode>5</ErrorCode>");
    expect(xml).toContain("<ShortMessage>XML Parse error.</ShortMessage>");
  });
});

describe("Auth'n'Auth: GetSessionID, sign-in, FetchToken, hard expiry", () => {
  /** The legacy flow step by step, checking what each step answers on the way. */
  async function authNAuthToken(username: string): Promise<{ token: string; hardExpirationTime: string }> {
    const sessionId = await startAuthNAuthSession(origin);
    const early = await trading(origin, "FetchToken", { appHeaders: true }, `<SessionID>${sessionId}</SessionID>`);
    expect(errorCodes(early)).toEqual(["21916017"]);

    const agree = await signInAndAgree(origin, sessionId, username);
    expect(agree.status).toBe(302);
    expect(new URL(agree.headers.get("location")!).searchParams.get("username")).toBe(username);

    const fetched = await trading(origin, "FetchToken", { appHeaders: true }, `<SessionID>${sessionId}</SessionID>`);
    expect(fetched.body.Ack).toBe("Success");
    expect(fetched.body.eBayAuthToken).toMatch(/^AgAAAA\*\*AQAAAA\*\*aAAAAA\*\*/);
    return { token: fetched.body.eBayAuthToken, hardExpirationTime: fetched.body.HardExpirationTime };
  }

  it("issues an 18-month token, warns in its last 7 days and is hard expired after", async () => {
    const clock = (await control(origin, "GET", "clock")).json;
    const { token, hardExpirationTime } = await authNAuthToken("demo_au_mick");
    const hardExpiresMs = Date.parse(hardExpirationTime);
    const expected = new Date(clock.now);
    expected.setUTCMonth(expected.getUTCMonth() + 18);
    expect(Math.abs(hardExpiresMs - expected.getTime())).toBeLessThan(60_000);

    const active = await trading(origin, "GetTokenStatus", { authToken: token });
    expect(active.body.TokenStatus.Status).toBe("Active");
    expect(active.body.HardExpirationWarning).toBeUndefined();

    const nowMs = Date.parse((await control(origin, "GET", "clock")).json.now);
    const toWarning = Math.ceil((hardExpiresMs - 7 * 86_400_000 - nowMs) / 1000) + 1;
    await advanceClock(origin, toWarning - 120);
    expect((await trading(origin, "GetUser", { authToken: token })).body.HardExpirationWarning).toBeUndefined();
    await advanceClock(origin, 120);
    const warned = await trading(origin, "GetUser", { authToken: token });
    expect(warned.body.Ack).toBe("Success");
    expect(warned.body.HardExpirationWarning).toBe(new Date(hardExpiresMs).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, ""));
    expect(warned.raw.indexOf("<HardExpirationWarning>")).toBeLessThan(warned.raw.indexOf("<User>"));

    await advanceClock(origin, 7 * 86_400);
    const expired = await trading(origin, "GetUser", { authToken: token });
    expect(expired.body.Errors[0]).toMatchObject({
      ErrorCode: "932",
      ShortMessage: "Auth token is hard expired.",
      LongMessage: "Auth token is hard expired, User needs to generate a new token for this application.",
    });
    expect((await trading(origin, "GetTokenStatus", { authToken: token })).body.TokenStatus.Status).toBe("Expired");
  });

  it("survives PASSWORD_CHANGE but not REVOKED_BY_EBAY; RevokeToken revokes it", async () => {
    const { token } = await authNAuthToken("demo_us_store");
    await control(origin, "POST", "users/demo_us_store/revoke", { reason: "PASSWORD_CHANGE" });
    expect((await trading(origin, "GetUser", { authToken: token })).body.Ack).toBe("Success");
    await control(origin, "POST", "users/demo_us_store/revoke", { reason: "REVOKED_BY_EBAY" });
    expect(errorCodes(await trading(origin, "GetUser", { authToken: token }))).toEqual(["931"]);
    expect((await trading(origin, "GetTokenStatus", { authToken: token })).body.TokenStatus.Status).toBe("RevokedByeBay");

    const second = await authNAuthToken("demo_us_jane");
    expect((await trading(origin, "RevokeToken", { authToken: second.token })).body.Ack).toBe("Success");
    expect((await trading(origin, "GetTokenStatus", { authToken: second.token })).body.TokenStatus.Status).toBe("RevokedByApp");
  });

  it("refuses wrong app keys, unknown RuNames and unknown tokens", async () => {
    expect(errorCodes(await trading(origin, "GetSessionID", {}, `<RuName>${DEMO_APP.ruName}</RuName>`))).toEqual(["21916013"]);
    expect(errorCodes(await trading(origin, "GetSessionID", { appHeaders: true }, "<RuName>nope</RuName>"))).toEqual(["21916016"]);
    expect(errorCodes(await trading(origin, "FetchToken", { appHeaders: true }, "<SessionID>nope</SessionID>"))).toEqual(["21916018"]);
    const unknown = await trading(origin, "GetUser", { authToken: "AgAAAA**nope" });
    expect(unknown.body.Errors[0]).toMatchObject({ ErrorCode: "931", ShortMessage: "Auth token is invalid.", LongMessage: "Validation of the authentication token in API request failed." });
  });
});

describe("GET /developer/analytics/v1_beta/user_rate_limit/", () => {
  it("reports calls used and left per API for the token's user", async () => {
    const jane = await connectSeller(origin, "demo_us_jane");
    const store = await connectSeller(origin, "demo_us_store");
    await getUser(origin, jane.accessToken);
    await getUser(origin, jane.accessToken);
    await getUser(origin, store.accessToken);
    await trading(origin, "GetTokenStatus", { iafToken: jane.accessToken });

    const response = await fetch(`${origin}/developer/analytics/v1_beta/user_rate_limit/`, { headers: { authorization: `Bearer ${jane.accessToken}` } });
    expect(response.status).toBe(200);
    const { rateLimits } = await response.json();
    const rateOf = (apiName: string) => rateLimits.find((limit: { apiName: string }) => limit.apiName === apiName).resources[0].rates[0];
    expect(rateOf("identity")).toMatchObject({ count: 2, limit: 5000, remaining: 4997, timeWindow: 86400 });
    expect(rateOf("TradingAPI")).toMatchObject({ count: 1, limit: 5000, remaining: 4999 });
    expect(Date.parse(rateOf("identity").reset)).toBeGreaterThan(Date.now());

    const filtered = await fetch(`${origin}/developer/analytics/v1_beta/user_rate_limit/?api_context=tradingapi`, {
      headers: { authorization: `Bearer ${jane.accessToken}` },
    });
    expect((await filtered.json()).rateLimits.map((limit: { apiName: string }) => limit.apiName)).toEqual(["TradingAPI"]);

    const appToken = (await (await tokenRequest(origin, { grant_type: "client_credentials" })).json()).access_token;
    expect((await fetch(`${origin}/developer/analytics/v1_beta/user_rate_limit/`, { headers: { authorization: `Bearer ${appToken}` } })).status).toBe(403);
  });
});
