// Contract: the authorize page and the token endpoint answer exactly what ../shared/ebay-reference.md records.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  DEMO_APP,
  PRODUCT_SCOPES,
  advanceClock,
  basicAuth,
  connectSeller,
  control,
  getUser,
  refresh,
  startEmulator,
  tokenRequest,
  type RunningEmulator,
} from "./support";

const INVALID_GRANT_CODE = { error: "invalid_grant", error_description: "the provided authorization grant code is invalid or was issued to another client" };
const INVALID_GRANT_REFRESH = { error: "invalid_grant", error_description: "the provided authorization refresh token is invalid or was issued to another client" };
const INVALID_SCOPE = { error: "invalid_scope", error_description: "The requested scope is invalid, unknown, malformed, or exceeds the scope granted to the client" };
const AUTHORIZE_INVALID = { error_id: "invalid_request", error_description: "Input request parameters are invalid.", http_status_code: 400 };
const OTHER_APP = { clientId: "OtherApp-OtherApp-PRD-1234567890-abcdef12", clientSecret: "PRD-other-secret", ruName: "Other_App-OtherApp-OtherA-xyz", acceptUrl: "https://other.example/accept" };

let running: RunningEmulator;
let origin: string;

beforeAll(async () => {
  running = await startEmulator({ extraApps: [OTHER_APP] });
  origin = running.origin;
});
afterAll(() => running.emulator.close());
beforeEach(async () => {
  await control(origin, "POST", "reset");
});

function authorizeUrl(params: Record<string, string>): string {
  return `${origin}/oauth2/authorize?${new URLSearchParams(params).toString()}`;
}

const validAuthorize = {
  client_id: DEMO_APP.clientId,
  redirect_uri: DEMO_APP.ruName,
  response_type: "code",
  scope: PRODUCT_SCOPES.join(" "),
  state: "abc",
};

describe("GET /oauth2/authorize", () => {
  it("shows the eBay sign-in page for a valid request, with scopes encoded or not", async () => {
    const encoded = await fetch(authorizeUrl(validAuthorize));
    expect(encoded.status).toBe(200);
    expect(encoded.headers.get("content-type")).toBe("text/html;charset=utf-8");
    const page = await encoded.text();
    expect(page).toContain('name="username"');
    expect(page).toContain("Emulated eBay — demo sellers: demo_us_store");

    const raw = `${origin}/oauth2/authorize?client_id=${DEMO_APP.clientId}&redirect_uri=${DEMO_APP.ruName}&response_type=code&scope=${PRODUCT_SCOPES.join("%20")}&prompt=login&locale=en-US`;
    expect((await fetch(raw)).status).toBe(200);
  });

  it.each([
    ["unknown client_id", { client_id: "nope" }],
    ["redirect_uri that is a URL, not the RuName", { redirect_uri: "http://localhost:3000/api/ebay/callback" }],
    ["RuName of another app", { redirect_uri: OTHER_APP.ruName }],
    ["response_type token", { response_type: "token" }],
    ["unknown scope", { scope: "https://api.ebay.com/oauth/api_scope/sell.nonsense" }],
    ["double-encoded scope", { scope: encodeURIComponent(PRODUCT_SCOPES[0]!) }],
    ["empty scope", { scope: "" }],
    ["unknown prompt", { prompt: "consent" }],
    ["bad locale", { locale: "english please" }],
  ])("answers eBay's invalid_request body for %s", async (_name, override) => {
    const response = await fetch(authorizeUrl({ ...validAuthorize, ...override }));
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual(AUTHORIZE_INVALID);
  });
});

describe("browser form flow over plain HTTP", () => {
  async function startFlow(extra: Record<string, string> = {}, cookie?: string) {
    const response = await fetch(authorizeUrl({ ...validAuthorize, ...extra }), { headers: cookie ? { cookie } : {} });
    const page = await response.text();
    const requestId = /name="request" value="([^"]+)"/.exec(page)![1]!;
    return { page, requestId };
  }

  async function post(requestId: string, fields: Record<string, string>, cookie?: string) {
    return fetch(`${origin}/oauth2/authorize`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
      body: new URLSearchParams({ request: requestId, ...fields }).toString(),
    });
  }

  it("signs in, consents and redirects to the accept URL with state, code and expires_in=299", async () => {
    const { requestId } = await startFlow();
    const wrong = await post(requestId, { step: "signin", username: "demo_us_jane", password: "nope" });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("Oops, that&#39;s not a match.");

    const signIn = await post(requestId, { step: "signin", username: "demo_us_jane", password: "password" });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
    expect(await signIn.text()).toContain("Hi demo_us_jane!");

    const agree = await post(requestId, { step: "agree" }, cookie);
    expect(agree.status).toBe(302);
    const location = agree.headers.get("location")!;
    expect(location.startsWith(`${DEMO_APP.acceptUrl}?state=abc&code=v%5E1.1%23i%5E1%23`)).toBe(true);
    const url = new URL(location);
    expect([...url.searchParams.keys()]).toEqual(["state", "code", "expires_in"]);
    expect(url.searchParams.get("expires_in")).toBe("299");

    // The sign-in cookie is reused: the next authorize goes straight to consent...
    const again = await startFlow({}, cookie);
    expect(again.page).toContain("Grant application access");
    // ...unless prompt=login forces a fresh sign-in.
    const forced = await startFlow({ prompt: "login" }, cookie);
    expect(forced.page).toContain('name="password"');
    const agreeWithoutSignIn = await post(forced.requestId, { step: "agree" }, cookie);
    expect(await agreeWithoutSignIn.text()).toContain('name="password"');
  });

  it("redirects Not now to the decline URL with error=access_denied and the state", async () => {
    const { requestId } = await startFlow();
    const signIn = await post(requestId, { step: "signin", username: "demo_uk_traders", password: "password" });
    const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
    const decline = await post(requestId, { step: "decline" }, cookie);
    expect(decline.status).toBe(302);
    const url = new URL(decline.headers.get("location")!);
    expect(`${url.origin}${url.pathname}`).toBe(DEMO_APP.declineUrl);
    expect(url.searchParams.get("error")).toBe("access_denied");
    expect(url.searchParams.get("state")).toBe("abc");
    expect(url.searchParams.get("code")).toBeNull();
  });
});

describe("POST /identity/v1/oauth2/token", () => {
  it("exchanges a code once for the documented body, tokens shaped and sized like eBay's", async () => {
    const consent = await control(origin, "POST", "consent", { username: "demo_us_jane", state: "xyz" });
    const code = new URL(consent.json.location).searchParams.get("code")!;
    expect(code).toMatch(/^v\^1\.1#i\^1#/);
    const response = await tokenRequest(origin, { grant_type: "authorization_code", code, redirect_uri: DEMO_APP.ruName });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.json();
    expect(Object.keys(body)).toEqual(["access_token", "expires_in", "refresh_token", "refresh_token_expires_in", "token_type"]);
    expect(body).toMatchObject({ expires_in: 7200, refresh_token_expires_in: 47_304_000, token_type: "User Access Token" });
    expect(body.access_token).toMatch(/^v\^1\.1#i\^1#p\^3#r\^1#I\^3#f\^0#t\^H4sI/);
    expect(body.access_token.length).toBeGreaterThan(1_800);
    expect(body.refresh_token).toMatch(/^v\^1\.1#i\^1#p\^3#r\^1#I\^3#f\^0#t\^Ul4xX/);
    expect(Buffer.from(body.refresh_token.split("t^")[1], "base64").toString()).toMatch(/^R\^1_\d\d:[0-9A-F]{32}_0_1#E\^260$/);

    const reused = await tokenRequest(origin, { grant_type: "authorization_code", code, redirect_uri: DEMO_APP.ruName });
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual(INVALID_GRANT_CODE);
  });

  it("refuses a code that is expired (299 s), double-encoded, for another RuName or another client", async () => {
    const codeFor = async () => new URL((await control(origin, "POST", "consent", { username: "demo_us_jane" })).json.location).searchParams.get("code")!;
    const expired = await codeFor();
    await advanceClock(origin, 300);
    const expiredAnswer = await tokenRequest(origin, { grant_type: "authorization_code", code: expired, redirect_uri: DEMO_APP.ruName });
    expect([expiredAnswer.status, await expiredAnswer.json()]).toEqual([400, INVALID_GRANT_CODE]);

    const doubleEncoded = await tokenRequest(origin, { grant_type: "authorization_code", code: encodeURIComponent(await codeFor()), redirect_uri: DEMO_APP.ruName });
    expect(await doubleEncoded.json()).toEqual(INVALID_GRANT_CODE);

    const wrongRuName = await tokenRequest(origin, { grant_type: "authorization_code", code: await codeFor(), redirect_uri: "ChannelKeys-other" });
    expect(await wrongRuName.json()).toEqual(INVALID_GRANT_CODE);

    const otherClient = await tokenRequest(
      origin,
      { grant_type: "authorization_code", code: await codeFor(), redirect_uri: DEMO_APP.ruName },
      basicAuth(OTHER_APP.clientId, OTHER_APP.clientSecret),
    );
    expect(await otherClient.json()).toEqual(INVALID_GRANT_CODE);
  });

  it("refreshes without rotating the refresh token, with scope a subset of the grant", async () => {
    const { refreshToken, accessToken } = await connectSeller(origin, "demo_us_jane");
    const response = await refresh(origin, refreshToken);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(Object.keys(body)).toEqual(["access_token", "expires_in", "token_type"]);
    expect(body.expires_in).toBe(7200);
    expect(body.token_type).toBe("User Access Token");
    expect(body.access_token).not.toBe(accessToken);
    // The old access token keeps working until its own expiry; the refresh token did not change.
    expect((await getUser(origin, accessToken)).status).toBe(200);
    expect((await refresh(origin, refreshToken, PRODUCT_SCOPES.slice(0, 2).join(" "))).status).toBe(200);
    expect((await tokenRequest(origin, { grant_type: "refresh_token", refresh_token: refreshToken })).status).toBe(200);

    const wider = await refresh(origin, refreshToken, `${PRODUCT_SCOPES.join(" ")} https://api.ebay.com/oauth/api_scope/sell.finances`);
    expect([wider.status, await wider.json()]).toEqual([400, INVALID_SCOPE]);
    const unknown = await refresh(origin, refreshToken, "https://api.ebay.com/oauth/api_scope/made.up");
    expect([unknown.status, await unknown.json()]).toEqual([400, INVALID_SCOPE]);
  });

  it("expires access tokens after 7200 s and refresh tokens after 47,304,000 s of virtual time", async () => {
    const { refreshToken, accessToken } = await connectSeller(origin, "demo_de_haendler");
    await advanceClock(origin, 7_199);
    expect((await getUser(origin, accessToken)).status).toBe(200);
    await advanceClock(origin, 1);
    expect((await getUser(origin, accessToken)).status).toBe(401);

    await advanceClock(origin, 47_304_000 - 7_200 - 1);
    expect((await refresh(origin, refreshToken)).status).toBe(200);
    await advanceClock(origin, 1);
    const dead = await refresh(origin, refreshToken);
    expect([dead.status, await dead.json()]).toEqual([400, INVALID_GRANT_REFRESH]);
  });

  it("refuses refresh tokens that are unknown or belong to another client", async () => {
    const { refreshToken } = await connectSeller(origin, "demo_us_jane");
    const unknown = await refresh(origin, `${refreshToken}x`);
    expect([unknown.status, await unknown.json()]).toEqual([400, INVALID_GRANT_REFRESH]);
    const otherClient = await tokenRequest(
      origin,
      { grant_type: "refresh_token", refresh_token: refreshToken, scope: PRODUCT_SCOPES.join(" ") },
      basicAuth(OTHER_APP.clientId, OTHER_APP.clientSecret),
    );
    expect(await otherClient.json()).toEqual(INVALID_GRANT_REFRESH);
  });

  it.each([
    ["no Authorization header", null],
    ["a wrong secret", basicAuth(DEMO_APP.clientId, "wrong")],
    ["an unknown client", basicAuth("nobody", "x")],
    ["a Bearer header", "Bearer abc"],
    ["garbage Basic", "Basic !!!"],
  ])("answers 401 invalid_client for %s", async (_name, authorization) => {
    const response = await tokenRequest(origin, { grant_type: "client_credentials" }, authorization);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "invalid_client", error_description: "client authentication failed" });
  });

  it("answers unsupported_grant_type and invalid_request", async () => {
    const password = await tokenRequest(origin, { grant_type: "password", username: "a", password: "b" });
    expect([password.status, await password.json()]).toEqual([
      400,
      { error: "unsupported_grant_type", error_description: "grant type in request is not supported by the authorization server" },
    ]);
    const invalid = { error: "invalid_request", error_description: "request is missing a required parameter or malformed" };
    for (const form of [{}, { grant_type: "authorization_code", code: "x" }, { grant_type: "refresh_token" }]) {
      const response = await tokenRequest(origin, form as Record<string, string>);
      expect([response.status, await response.json()]).toEqual([400, invalid]);
    }
  });

  it("mints application tokens with client_credentials and refuses user-only scopes", async () => {
    const response = await tokenRequest(origin, { grant_type: "client_credentials", scope: "https://api.ebay.com/oauth/api_scope" });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(Object.keys(body)).toEqual(["access_token", "expires_in", "token_type"]);
    expect(body).toMatchObject({ expires_in: 7200, token_type: "Application Access Token" });
    const userScope = await tokenRequest(origin, { grant_type: "client_credentials", scope: PRODUCT_SCOPES[2]! });
    expect([userScope.status, await userScope.json()]).toEqual([400, INVALID_SCOPE]);
    // An application token is no user token: Identity refuses it with 1100.
    expect((await getUser(origin, body.access_token)).status).toBe(403);
  });
});

describe("POST /identity/v1/oauth2/token/revoke", () => {
  it("revokes a refresh token's whole grant (RevokedByApp) and answers 200 with no body", async () => {
    const { refreshToken, accessToken } = await connectSeller(origin, "demo_us_jane");
    const response = await fetch(`${origin}/identity/v1/oauth2/token/revoke`, {
      method: "POST",
      headers: { authorization: basicAuth(), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: refreshToken, token_type_hint: "refresh_token" }).toString(),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    expect(await (await refresh(origin, refreshToken)).json()).toEqual(INVALID_GRANT_REFRESH);
    expect((await getUser(origin, accessToken)).status).toBe(401);
  });

  it("requires client authentication and a token", async () => {
    const unauthenticated = await fetch(`${origin}/identity/v1/oauth2/token/revoke`, { method: "POST", body: "token=x" });
    expect(unauthenticated.status).toBe(401);
    const missing = await fetch(`${origin}/identity/v1/oauth2/token/revoke`, { method: "POST", headers: { authorization: basicAuth() }, body: "" });
    expect(missing.status).toBe(400);
  });
});
