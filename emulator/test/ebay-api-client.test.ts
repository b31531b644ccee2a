// An independent client written by someone else — the `ebay-api` npm package — drives the emulator: OAuth2 code
// exchange, refresh and Trading calls, including how it classifies the emulator's Trading errors.
//
// ebay-api hard-codes https://api.ebay.com; its `axiosConfig` option is the configuration hook. We give it an axios
// adapter that sends each request to the emulator's origin instead of the eBay host (like a hosts-file entry that
// also drops TLS). Nothing else in the client is touched.
import axios, { type AxiosAdapter } from "axios";
import eBayApi from "ebay-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { userIdFor } from "../src/tokens";
import { DEMO_APP, PRODUCT_SCOPES, control, startEmulator, type RunningEmulator } from "./support";

let running: RunningEmulator;

function emulatorAdapter(origin: string): AxiosAdapter {
  const httpAdapter = axios.getAdapter("http");
  return (config) => httpAdapter({ ...config, url: config.url?.replace(/^https:\/\/[a-z.]*ebay\.com/, origin) });
}

function client(options: { autoRefreshToken?: boolean } = {}): eBayApi {
  return new eBayApi({
    ...options,
    appId: DEMO_APP.clientId,
    certId: DEMO_APP.clientSecret,
    devId: DEMO_APP.devId,
    ruName: DEMO_APP.ruName,
    sandbox: false,
    siteId: eBayApi.SiteId.EBAY_US,
    scope: PRODUCT_SCOPES,
    axiosConfig: { adapter: emulatorAdapter(running.origin) },
  });
}

beforeAll(async () => {
  running = await startEmulator();
});
afterAll(() => running.emulator.close());
beforeEach(async () => {
  await control(running.origin, "POST", "reset");
});

async function codeFor(username: string): Promise<string> {
  const { json } = await control(running.origin, "POST", "consent", { username, state: "ebay-api" });
  return new URL(json.location).searchParams.get("code")!;
}

describe("ebay-api against the emulator", () => {
  it("builds an authorize URL the emulator accepts (path and parameters)", async () => {
    const url = new URL(client().OAuth2.generateAuthUrl(DEMO_APP.ruName, PRODUCT_SCOPES, "st"));
    const response = await fetch(`${running.origin}${url.pathname}${url.search}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('name="password"');
  });

  it("exchanges a code, refreshes and calls GetTokenStatus and GetUser over IAF", async () => {
    const eBay = client();
    const token = await eBay.OAuth2.obtainToken(await codeFor("demo_us_jane"));
    expect(token).toMatchObject({ expires_in: 7200, refresh_token_expires_in: 47_304_000, token_type: "User Access Token" });

    const refreshed = await eBay.OAuth2.refreshToken();
    expect(refreshed.access_token).not.toBe(token.access_token);
    expect((refreshed as { refresh_token?: string }).refresh_token).toBe(token.refresh_token);

    const status = await eBay.trading.GetTokenStatus();
    expect(status.Ack).toBe("Success");
    expect(status.TokenStatus.Status).toBe("Active");

    const user = await eBay.trading.GetUser();
    expect(user.User.UserID).toBe("demo_us_jane");

    const identity = await eBay.req.get(`https://apiz.ebay.com/commerce/identity/v1/user/`, {
      headers: { Authorization: `Bearer ${eBay.OAuth2.getUserAccessToken()}` },
    });
    expect(identity.data.userId).toBe(userIdFor("demo_us_jane"));
  });

  it("surfaces the emulator's errors as ebay-api's own error classes", async () => {
    const eBay = client({ autoRefreshToken: false });
    await expect(eBay.OAuth2.getToken("v^1.1#not-a-code")).rejects.toMatchObject({
      response: { status: 400, data: { error: "invalid_grant", error_description: "the provided authorization grant code is invalid or was issued to another client" } },
    });

    await eBay.OAuth2.obtainToken(await codeFor("demo_us_store"));
    await control(running.origin, "POST", "users/demo_us_store/revoke", { reason: "REVOKED_BY_USER" });
    const revokedStatus = await eBay.trading.GetTokenStatus();
    expect(revokedStatus.TokenStatus.Status).toBe("RevokedByUser");
    await expect(eBay.trading.GetUser()).rejects.toMatchObject({ name: "EBayAuthTokenIsInvalid" });
    await expect(eBay.OAuth2.refreshToken()).rejects.toMatchObject({ response: { status: 400, data: { error: "invalid_grant" } } });

    // With its default auto-refresh, the client reacts to 931 by refreshing, and the revoked grant says invalid_grant.
    const autoRefreshing = client();
    autoRefreshing.OAuth2.setCredentials(eBay.OAuth2.getCredentials() as never);
    await expect(autoRefreshing.trading.GetUser()).rejects.toMatchObject({ name: "EBayInvalidGrant" });

    const other = client({ autoRefreshToken: false });
    other.OAuth2.setCredentials("v^1.1#i^1#never-issued");
    await expect(other.trading.GetTokenStatus()).rejects.toMatchObject({ name: "EBayIAFTokenInvalid" });
  });

  it("mints an application token with client credentials", async () => {
    const eBay = client();
    eBay.OAuth2.setScope(["https://api.ebay.com/oauth/api_scope"]);
    const token = await eBay.OAuth2.obtainApplicationAccessToken();
    expect(token).toMatchObject({ expires_in: 7200, token_type: "Application Access Token" });
  });
});
