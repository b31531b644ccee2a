// The whole Test procedure against the real emulator over HTTP: each eBay situation a seller's account can
// be in, and the verdict and cause the product must reach for it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RefreshedAccessToken } from "@/lib/ebay/oauth";
import { exchangeAuthorizationCode, refreshUserAccessToken, revokeUserToken } from "@/lib/ebay/oauth";
import {
  GET_USER_PATH,
  TOKEN_PATH,
  TRADING_PATH,
  startEmulator,
  type EmulatorHarness,
  type RevokeReason,
} from "@/test/support/emulator-harness";
import { checkToken, connectWithAuthorizationCode, type TokenCheckInput } from "@/lib/tokens/check-token";

const PUBLIC_SCOPE = "https://api.ebay.com/oauth/api_scope";
const IDENTITY_SCOPE = "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly";
const DAY_SECONDS = 86_400;

let emulator: EmulatorHarness;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.close();
});
afterEach(async () => {
  await emulator.clearFaults();
});

/** A seller connected through the real consent + exchange + getUser, stored the way the product stores it. */
async function connectAccount(options: { scopes?: string[] } = {}) {
  const seller = await emulator.createSeller();
  const { code } = await emulator.consent(seller.username, options);
  const connectedAt = await emulator.now();
  const { grant, ebayUser } = await connectWithAuthorizationCode(code);
  const stored: Omit<TokenCheckInput, "now"> = {
    ebayUserId: ebayUser.userId,
    scopes: options.scopes ?? emulator.config.scopes,
    accessToken: grant.accessToken,
    accessTokenExpiresAt: new Date(connectedAt.getTime() + grant.accessTokenExpiresIn * 1000),
    refreshToken: grant.refreshToken,
    refreshTokenExpiresAt: new Date(connectedAt.getTime() + grant.refreshTokenExpiresIn * 1000),
  };
  return { seller, ebayUser, stored };
}

async function check(stored: Omit<TokenCheckInput, "now">, extra: Partial<TokenCheckInput> = {}) {
  return checkToken({ ...stored, now: await emulator.now(), ...extra });
}

describe("connect", () => {
  it("consent -> exchange -> getUser identifies the consenting seller", async () => {
    const { seller, ebayUser, stored } = await connectAccount();
    expect(ebayUser).toMatchObject({ userId: seller.userId, username: seller.username });
    expect(stored.refreshTokenExpiresAt!.getTime() - stored.accessTokenExpiresAt!.getTime()).toBe((47_304_000 - 7200) * 1000);
  });
});

describe("healthy accounts", () => {
  it("a fresh token: getUser + GetTokenStatus Active, no refresh", async () => {
    const { seller, stored } = await connectAccount();
    const outcome = await check(stored);
    expect(outcome.verdict.status).toBe("healthy");
    expect(outcome.refreshed).toBeUndefined();
    expect(outcome.ebayUser?.userId).toBe(seller.userId);
    expect(outcome.tokenStatus?.status).toBe("Active");
    expect(outcome.ebayCalls).toBe(2);
  });

  it("an access token past its expiry is refreshed first, and the new one is handed back to persist", async () => {
    const { stored } = await connectAccount();
    await emulator.advanceClock(7200 + 60);
    const now = await emulator.now();
    const outcome = await checkToken({ ...stored, now });
    expect(outcome.verdict.status).toBe("healthy");
    expect(outcome.refreshed?.accessToken).toBeTruthy();
    expect(outcome.refreshed?.accessToken).not.toBe(stored.accessToken);
    expect(outcome.refreshed?.expiresAt.getTime()).toBe(now.getTime() + 7200 * 1000);
    expect(outcome.ebayCalls).toBe(3);
  });

  it("an access token expiring within 5 minutes is refreshed before use", async () => {
    const { stored } = await connectAccount();
    await emulator.advanceClock(7200 - 120);
    const outcome = await check(stored);
    expect(outcome.verdict.status).toBe("healthy");
    expect(outcome.refreshed).toBeDefined();
  });

  it("no stored access token: refresh, then check", async () => {
    const { stored } = await connectAccount();
    const outcome = await check({ ...stored, accessToken: null, accessTokenExpiresAt: null });
    expect(outcome.verdict.status).toBe("healthy");
    expect(outcome.refreshed).toBeDefined();
  });

  it("an access token eBay no longer accepts (401/1001) while the grant lives: refresh once and retry", async () => {
    const { stored } = await connectAccount();
    await revokeUserToken(stored.accessToken!, "access_token");
    const outcome = await check(stored);
    expect(outcome.verdict.status).toBe("healthy");
    expect(outcome.refreshed).toBeDefined();
    expect(outcome.ebayCalls).toBe(4); // getUser 401, refresh, getUser, GetTokenStatus
  });

  it("uses the injected refresh function (the lead's single-flight)", async () => {
    const { stored } = await connectAccount();
    const calls: string[][] = [];
    const refreshAccessToken = async (refreshToken: string, scopes: string[]): Promise<RefreshedAccessToken> => {
      calls.push(scopes);
      return refreshUserAccessToken(refreshToken, scopes);
    };
    const outcome = await check({ ...stored, accessToken: null }, { refreshAccessToken });
    expect(outcome.verdict.status).toBe("healthy");
    expect(calls).toEqual([stored.scopes]);
  });

  it("a Trading failure after getUser succeeded keeps the account healthy, with a note", async () => {
    const { stored } = await connectAccount();
    await emulator.fault({ pathPrefix: TRADING_PATH, status: 503, count: 1 });
    const outcome = await check(stored);
    expect(outcome.verdict.status).toBe("healthy");
    expect(outcome.verdict.message).toMatch(/GetTokenStatus could not be checked/);
  });
});

describe("revocation: each reason -> its cause", () => {
  const rows: [RevokeReason, string][] = [
    ["REVOKED_BY_USER", "revoked_by_user"],
    ["REVOKED_BY_APP", "revoked_by_app"],
    ["REVOKED_BY_EBAY", "revoked_by_ebay"],
    // eBay does not say a password change happened: the seller sees a plain revocation.
    ["PASSWORD_CHANGE", "revoked"],
  ];
  it.each(rows)("%s -> needs_reauth / %s", async (reason, cause) => {
    const { seller, stored } = await connectAccount();
    await emulator.revoke(seller.username, reason);
    const outcome = await check(stored);
    expect(outcome.verdict).toMatchObject({ status: "needs_reauth", cause });
    expect(outcome.refreshed).toBeUndefined();
  });

  it("revoked while the stored access token has lapsed: invalid_grant, nobody left to ask who -> revoked", async () => {
    const { seller, stored } = await connectAccount();
    await emulator.revoke(seller.username, "REVOKED_BY_USER");
    await emulator.advanceClock(3 * 3600);
    const outcome = await check(stored);
    expect(outcome.verdict).toMatchObject({ status: "needs_reauth", cause: "revoked" });
    expect(outcome.ebayCalls).toBe(1); // the lapsed access token is not worth a GetTokenStatus
  });

  it("the app revoked its own token at eBay (disconnect): revoked_by_app", async () => {
    const { stored } = await connectAccount();
    await revokeUserToken(stored.refreshToken!, "refresh_token");
    const outcome = await check(stored);
    expect(outcome.verdict).toMatchObject({ status: "needs_reauth", cause: "revoked_by_app" });
  });
});

describe("expiry and scopes", () => {
  it("548 days later the refresh token has expired -> needs_reauth / expired", async () => {
    const { stored } = await connectAccount();
    await emulator.advanceClock(548 * DAY_SECONDS);
    const outcome = await check(stored);
    expect(outcome.verdict).toMatchObject({ status: "needs_reauth", cause: "expired" });
    expect(outcome.refreshed).toBeUndefined();
    expect(outcome.ebayCalls).toBe(1);
  });

  it("the app now asks for a scope the seller never granted -> scope_not_granted", async () => {
    const { stored } = await connectAccount({ scopes: [PUBLIC_SCOPE, IDENTITY_SCOPE] });
    const outcome = await check({ ...stored, accessToken: null, scopes: emulator.config.scopes });
    expect(outcome.verdict).toMatchObject({ status: "needs_reauth", cause: "scope_not_granted" });
  });

  it("a grant without the identity scope: 1100 even after a fresh refresh -> missing_scope", async () => {
    const seller = await emulator.createSeller();
    const { code } = await emulator.consent(seller.username, { scopes: [PUBLIC_SCOPE] });
    const grant = await exchangeAuthorizationCode(code);
    const now = await emulator.now();
    const outcome = await checkToken({
      ebayUserId: seller.userId,
      scopes: [PUBLIC_SCOPE],
      accessToken: grant.accessToken,
      accessTokenExpiresAt: new Date(now.getTime() + 7200 * 1000),
      refreshToken: grant.refreshToken,
      refreshTokenExpiresAt: new Date(now.getTime() + 47_304_000 * 1000),
      now,
    });
    expect(outcome.verdict).toMatchObject({ status: "needs_reauth", cause: "missing_scope" });
    expect(outcome.refreshed).toBeDefined();
  });
});

describe("wrong user", () => {
  it("a token that belongs to another eBay user -> needs_reauth / wrong_user", async () => {
    const { stored } = await connectAccount();
    const other = await connectAccount();
    const outcome = await check({ ...stored, accessToken: other.stored.accessToken, refreshToken: other.stored.refreshToken });
    expect(outcome.verdict).toMatchObject({ status: "needs_reauth", cause: "wrong_user" });
    expect(outcome.ebayUser?.userId).toBe(other.seller.userId);
  });
});

describe("transient failures are ebay_unavailable, never needs_reauth", () => {
  it("500 from getUser", async () => {
    const { stored } = await connectAccount();
    await emulator.fault({ pathPrefix: GET_USER_PATH, status: 500, count: 1 });
    expect((await check(stored)).verdict).toMatchObject({ status: "ebay_unavailable", cause: "server_error" });
  });

  it("500 from the token endpoint while a refresh is due", async () => {
    const { stored } = await connectAccount();
    await emulator.fault({ pathPrefix: TOKEN_PATH, status: 500, count: 1 });
    const outcome = await check({ ...stored, accessToken: null });
    expect(outcome.verdict).toMatchObject({ status: "ebay_unavailable", cause: "server_error" });
    expect(outcome.retryAfterSeconds).toBeGreaterThan(0);
  });

  it("429 with Retry-After -> rate_limited, retried after eBay's delay", async () => {
    const { stored } = await connectAccount();
    await emulator.fault({ pathPrefix: GET_USER_PATH, status: 429, retryAfterSeconds: 42, count: 1 });
    const outcome = await check(stored);
    expect(outcome.verdict).toMatchObject({ status: "ebay_unavailable", cause: "rate_limited" });
    expect(outcome.retryAfterSeconds).toBe(42);
  });

  it("no answer in time -> timeout", async () => {
    const { stored } = await connectAccount();
    await emulator.fault({ pathPrefix: GET_USER_PATH, mode: "timeout", count: 1 });
    expect((await check(stored)).verdict).toMatchObject({ status: "ebay_unavailable", cause: "timeout" });
  });

  it("connection reset during a refresh -> network", async () => {
    const { stored } = await connectAccount();
    await emulator.fault({ pathPrefix: TOKEN_PATH, mode: "reset", count: 1 });
    expect((await check({ ...stored, accessToken: null })).verdict).toMatchObject({ status: "ebay_unavailable", cause: "network" });
  });

  it("an unreadable answer -> malformed_response", async () => {
    const { stored } = await connectAccount();
    await emulator.fault({ pathPrefix: GET_USER_PATH, mode: "malformed", count: 1 });
    expect((await check(stored)).verdict).toMatchObject({ status: "ebay_unavailable", cause: "malformed_response" });
  });

  it("a refresh that succeeded is handed back even when the next step fails", async () => {
    const { stored } = await connectAccount();
    await emulator.fault({ pathPrefix: GET_USER_PATH, status: 502, count: 1 });
    const outcome = await check({ ...stored, accessToken: null });
    expect(outcome.verdict.status).toBe("ebay_unavailable");
    expect(outcome.refreshed?.accessToken).toBeTruthy();
  });

  it("the app's keys rejected (invalid_client) -> app_credentials_invalid, not the seller's problem", async () => {
    const { stored } = await connectAccount();
    const config = { ...emulator.config, clientSecret: "EMU-00000000-0000-0000-0000-000000000000" };
    const outcome = await check({ ...stored, accessToken: null }, { config });
    expect(outcome.verdict).toMatchObject({ status: "ebay_unavailable", cause: "app_credentials_invalid" });
  });
});
