// The eBay client against the real emulator over HTTP: every call, its success shape and each failure kind.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EbayApiError } from "@/lib/ebay/errors";
import { getRateLimits } from "@/lib/ebay/developer-analytics";
import { getEbayUser } from "@/lib/ebay/identity";
import {
  buildAuthorizeUrl,
  exchangeAuthorizationCode,
  getApplicationAccessToken,
  refreshUserAccessToken,
  revokeUserToken,
} from "@/lib/ebay/oauth";
import {
  buildAuthNAuthSignInUrl,
  fetchAuthNAuthToken,
  getAuthNAuthTokenStatus,
  getSessionId,
  getTokenStatus,
  getTradingUser,
  revokeAuthNAuthToken,
} from "@/lib/ebay/trading";
import { getNotificationPublicKey, parseSignatureHeader, verifyNotificationSignature } from "@/lib/ebay/notifications";
import { GET_USER_PATH, TOKEN_PATH, TRADING_PATH, startEmulator, type EmulatorHarness } from "@/test/support/emulator-harness";

const IDENTITY_SCOPE = "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly";
const PUBLIC_SCOPE = "https://api.ebay.com/oauth/api_scope";

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

async function connectedSeller(options: { scopes?: string[] } = {}) {
  const seller = await emulator.createSeller();
  const { code } = await emulator.consent(seller.username, options);
  const grant = await exchangeAuthorizationCode(code);
  return { seller, grant };
}

async function rejection(promise: Promise<unknown>): Promise<EbayApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(EbayApiError);
    return error as EbayApiError;
  }
  throw new Error("expected the eBay call to fail");
}

describe("OAuth", () => {
  it("builds an authorize URL the emulator accepts (it shows the sign-in page, not invalid_request)", async () => {
    const response = await fetch(buildAuthorizeUrl({ state: "state-123", prompt: "login" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    await response.body?.cancel();
  });

  it("exchanges a consented code for eBay's token pair and lifetimes", async () => {
    const { seller, grant } = await connectedSeller();
    expect(grant.accessTokenExpiresIn).toBe(7200);
    expect(grant.refreshTokenExpiresIn).toBe(47_304_000);
    expect(grant.accessToken).not.toBe(grant.refreshToken);
    expect((await getEbayUser(grant.accessToken)).userId).toBe(seller.userId);
  });

  it("accepts the code still URL-encoded, exactly as it appears in the redirect's query string", async () => {
    const seller = await emulator.createSeller();
    const { code, rawCode } = await emulator.consent(seller.username);
    expect(rawCode).not.toBe(code);
    const grant = await exchangeAuthorizationCode(rawCode);
    expect((await getEbayUser(grant.accessToken)).userId).toBe(seller.userId);
  });

  it("gets invalid_grant for a code used twice", async () => {
    const seller = await emulator.createSeller();
    const { code } = await emulator.consent(seller.username);
    await exchangeAuthorizationCode(code);
    const error = await rejection(exchangeAuthorizationCode(code));
    expect(error).toMatchObject({ kind: "oauth", httpStatus: 400, oauthError: "invalid_grant" });
    expect(error.message).not.toContain(code);
  });

  it("refreshes an access token without rotating the refresh token", async () => {
    const { seller, grant } = await connectedSeller();
    const refreshed = await refreshUserAccessToken(grant.refreshToken, emulator.config.scopes);
    expect(refreshed.expiresIn).toBe(7200);
    expect(refreshed.accessToken).not.toBe(grant.accessToken);
    expect((await getEbayUser(refreshed.accessToken)).userId).toBe(seller.userId);
    // The same refresh token keeps working.
    await refreshUserAccessToken(grant.refreshToken, emulator.config.scopes);
  });

  it("gets invalid_scope when refreshing with a scope the seller never granted", async () => {
    const { grant } = await connectedSeller({ scopes: [PUBLIC_SCOPE, IDENTITY_SCOPE] });
    const error = await rejection(refreshUserAccessToken(grant.refreshToken, emulator.config.scopes));
    expect(error).toMatchObject({ kind: "oauth", httpStatus: 400, oauthError: "invalid_scope" });
  });

  it("gets 401 invalid_client with the wrong application secret, and never echoes the secret", async () => {
    const { grant } = await connectedSeller();
    const wrongSecret = "EMU-00000000-0000-0000-0000-000000000000";
    const error = await rejection(
      refreshUserAccessToken(grant.refreshToken, emulator.config.scopes, { ...emulator.config, clientSecret: wrongSecret }),
    );
    expect(error).toMatchObject({ kind: "oauth", httpStatus: 401, oauthError: "invalid_client" });
    expect(JSON.stringify(error.toJSON())).not.toContain(wrongSecret);
  });

  it("revokes a refresh token at eBay: it then gets invalid_grant and GetTokenStatus says RevokedByApp", async () => {
    const { grant } = await connectedSeller();
    await revokeUserToken(grant.refreshToken, "refresh_token");
    const error = await rejection(refreshUserAccessToken(grant.refreshToken, emulator.config.scopes));
    expect(error).toMatchObject({ kind: "oauth", oauthError: "invalid_grant" });
    expect((await getTokenStatus(grant.accessToken)).status).toBe("RevokedByApp");
  });

  it("gets an application token by client credentials", async () => {
    const token = await getApplicationAccessToken();
    expect(token.expiresIn).toBe(7200);
    expect(token.accessToken.length).toBeGreaterThan(10);
  });
});

describe("Identity getUser", () => {
  it("returns the seller's immutable userId and account details", async () => {
    const { seller, grant } = await connectedSeller();
    const user = await getEbayUser(grant.accessToken);
    expect(user).toMatchObject({ userId: seller.userId, username: seller.username, registrationMarketplaceId: "EBAY_US", status: "CONFIRMED" });
  });

  it("answers 401 errorId 1001 to an unknown token", async () => {
    const error = await rejection(getEbayUser("v^1.1#i^1#p^3#r^0#not-a-real-token"));
    expect(error).toMatchObject({ kind: "rest", httpStatus: 401, errorId: 1001 });
    expect(error.message).not.toContain("not-a-real-token");
  });

  it("answers 403 errorId 1100 when the token lacks the identity scope", async () => {
    const { grant } = await connectedSeller({ scopes: [PUBLIC_SCOPE] });
    expect(await rejection(getEbayUser(grant.accessToken))).toMatchObject({ kind: "rest", httpStatus: 403, errorId: 1100 });
  });
});

describe("Trading GetTokenStatus", () => {
  it("reports Active with the access token's expiry", async () => {
    const { grant } = await connectedSeller();
    const before = await emulator.now();
    const status = await getTokenStatus(grant.accessToken);
    expect(status.status).toBe("Active");
    const expiresInSeconds = (status.expirationTime!.getTime() - before.getTime()) / 1000;
    expect(expiresInSeconds).toBeGreaterThan(7000);
    expect(expiresInSeconds).toBeLessThanOrEqual(7200);
    expect(status.revocationTime).toBeUndefined();
  });

  it.each([
    ["REVOKED_BY_USER", "RevokedByUser"],
    ["REVOKED_BY_EBAY", "RevokedByeBay"],
    ["REVOKED_BY_APP", "RevokedByApp"],
  ] as const)("reports %s as %s with the revocation time", async (reason, expected) => {
    const { seller, grant } = await connectedSeller();
    await emulator.revoke(seller.username, reason);
    const status = await getTokenStatus(grant.accessToken);
    expect(status.status).toBe(expected);
    expect(status.revocationTime).toBeInstanceOf(Date);
  });

  it("fails with Trading error codes (Ack Failure) for an unknown token", async () => {
    const error = await rejection(getTokenStatus("v^1.1#i^1#p^3#r^0#unknown"));
    expect(error.kind).toBe("trading");
    expect(error.httpStatus).toBe(200);
    expect(error.tradingErrorCodes).toContain(21916984);
  });

  it("fails with 931/932/21917053 for an expired access token", async () => {
    const { grant } = await connectedSeller();
    await emulator.advanceClock(7201);
    const error = await rejection(getTokenStatus(grant.accessToken));
    expect(error.kind).toBe("trading");
    expect(error.tradingErrorCodes.some((code) => [931, 932, 21917053].includes(code))).toBe(true);
  });
});

describe("Developer Analytics getRateLimits (the application's quotas)", () => {
  it("reports limit, remaining, reset and window per API resource, read with the application token", async () => {
    const { grant } = await connectedSeller();
    await getTokenStatus(grant.accessToken);
    const limits = await getRateLimits();
    const trading = limits.find((limit) => limit.apiName === "TradingAPI");
    expect(trading).toMatchObject({ limit: 5000, timeWindow: 86_400 });
    expect(trading!.remaining).toBeLessThan(5000);
    expect(trading!.reset).toBeInstanceOf(Date);
    // The token endpoint's per-grant quotas are the app's too (refreshes spend the refresh_token one).
    expect(limits.find((limit) => limit.resource === "refresh_token")).toMatchObject({ limit: 50_000 });
    const filtered = await getRateLimits({ apiName: "TradingAPI" });
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((limit) => limit.apiName === "TradingAPI")).toBe(true);
  });

  it("keeps one application token: a second read asks the token endpoint nothing", async () => {
    await getRateLimits();
    const before = await emulator.control<{ byGrantType: Record<string, number> }>("GET", "calls");
    await getRateLimits();
    const after = await emulator.control<{ byGrantType: Record<string, number> }>("GET", "calls");
    expect(after.byGrantType.client_credentials ?? 0).toBe(before.byGrantType.client_credentials ?? 0);
  });
});

describe("Auth'n'Auth (GetSessionID, sign-in, FetchToken, GetUser, GetTokenStatus, RevokeToken)", () => {
  async function authNAuthSeller() {
    const seller = await emulator.createSeller("ana");
    const sessionId = await getSessionId();
    const location = await emulator.authNAuthSignIn(buildAuthNAuthSignInUrl(sessionId), seller.username);
    const fetched = await fetchAuthNAuthToken(sessionId);
    return { seller, sessionId, location, fetched, issuedAt: await emulator.now() };
  }

  it("turns an agreed sign-in into a token with its 18-month HardExpirationTime and the seller's identity", async () => {
    const { seller, location, fetched, issuedAt } = await authNAuthSeller();
    // eBay's accept redirect names the seller and carries no state (the product keeps its own in a cookie).
    expect(new URL(location).searchParams.get("username")).toBe(seller.username);
    const eighteenMonths = new Date(issuedAt);
    eighteenMonths.setUTCMonth(eighteenMonths.getUTCMonth() + 18);
    expect(Math.abs(fetched.hardExpirationTime.getTime() - eighteenMonths.getTime())).toBeLessThan(5_000);
    expect(await getTradingUser(fetched.token)).toMatchObject({ userId: seller.username, eiasToken: seller.eiasToken });
    const status = await getAuthNAuthTokenStatus(fetched.token);
    expect(status).toMatchObject({ status: "Active", eiasToken: seller.eiasToken });
    expect(status.expirationTime?.getTime()).toBe(fetched.hardExpirationTime.getTime());
  });

  it("FetchToken refuses a session the seller has not agreed to, and a session fetched twice", async () => {
    const sessionId = await getSessionId();
    const notAgreed = await rejection(fetchAuthNAuthToken(sessionId));
    expect(notAgreed.kind).toBe("trading");
    const { sessionId: used } = await authNAuthSeller();
    expect((await rejection(fetchAuthNAuthToken(used))).kind).toBe("trading");
  });

  it("RevokeToken ends the token: GetTokenStatus says RevokedByApp, other calls 931", async () => {
    const { fetched } = await authNAuthSeller();
    await revokeAuthNAuthToken(fetched.token);
    const status = await getAuthNAuthTokenStatus(fetched.token);
    expect(status.status).toBe("RevokedByApp");
    expect(status.revocationTime).toBeInstanceOf(Date);
    expect((await rejection(getTradingUser(fetched.token))).tradingErrorCodes).toContain(931);
  });

  it("a seller's revocation shows as RevokedByUser; a password change leaves the token Active", async () => {
    const { seller, fetched } = await authNAuthSeller();
    await emulator.revoke(seller.username, "PASSWORD_CHANGE");
    expect((await getAuthNAuthTokenStatus(fetched.token)).status).toBe("Active");
    await emulator.revoke(seller.username, "REVOKED_BY_USER");
    expect((await getAuthNAuthTokenStatus(fetched.token)).status).toBe("RevokedByUser");
  });

  it("an unknown token is 931 on GetTokenStatus", async () => {
    const error = await rejection(getAuthNAuthTokenStatus("AgAAAA**AQAAAA**aAAAAA**unknown**token**" + "x".repeat(40)));
    expect(error.tradingErrorCodes).toContain(931);
    // The token never reaches the error text.
    expect(error.message).not.toContain("AgAAAA**");
  });

  it("warns in the last 7 days (HardExpirationWarning), then answers Expired / 932 once past HardExpirationTime", async () => {
    const { fetched } = await authNAuthSeller();
    const now = await emulator.now();
    const untilWarning = (fetched.hardExpirationTime.getTime() - now.getTime()) / 1000 - 6 * 86_400;
    await emulator.advanceClock(Math.ceil(untilWarning));
    const warned = await getAuthNAuthTokenStatus(fetched.token);
    expect(warned.status).toBe("Active");
    expect(warned.hardExpirationWarning?.getTime()).toBe(Math.floor(fetched.hardExpirationTime.getTime() / 1000) * 1000);
    await emulator.advanceClock(7 * 86_400);
    expect((await getAuthNAuthTokenStatus(fetched.token)).status).toBe("Expired");
    expect((await rejection(getTradingUser(fetched.token))).tradingErrorCodes).toContain(932);
  });
});

describe("Notification API public key and signatures", () => {
  it("fetches eBay's key by kid with the application token and verifies a signature eBay made", async () => {
    const health = await emulator.control<{ status: string }>("GET", "health");
    expect(health.status).toBe("ok");
    // A receiver the emulator may send to (loopback), answering the challenge and keeping what it got.
    const { createServer } = await import("node:http");
    const { createHash } = await import("node:crypto");
    const verificationToken = "channelkeys_test_verification_token_0123456789";
    const received: Array<{ signature: string; body: Buffer }> = [];
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      const challenge = url.searchParams.get("challenge_code");
      if (request.method === "GET" && challenge) {
        const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({ challengeResponse: createHash("sha256").update(challenge + verificationToken + endpoint).digest("hex") }));
        return;
      }
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        received.push({ signature: String(request.headers["x-ebay-signature"]), body: Buffer.concat(chunks) });
        response.statusCode = 204;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
      const seller = await emulator.createSeller("deleted");
      await emulator.control("POST", "notifications/account-deletion", { username: seller.username, endpoint, verificationToken });
      await emulator.control("POST", "notifications/account-deletion", { username: seller.username, endpoint, verificationToken, forgeSignature: true });
      expect(received).toHaveLength(2);
      const [genuine, forged] = received as [(typeof received)[0], (typeof received)[0]];
      const kid = parseSignatureHeader(genuine.signature)!.kid;
      expect(await getNotificationPublicKey(kid)).not.toBeNull();
      expect(await verifyNotificationSignature(genuine.signature, genuine.body)).toBe(true);
      expect(await verifyNotificationSignature(forged.signature, forged.body)).toBe(false);
      // One changed byte in the body, a missing header, an unknown kid: refused, never thrown.
      const tampered = Buffer.from(genuine.body.toString("utf8").replace(seller.username, "someone_else"));
      expect(await verifyNotificationSignature(genuine.signature, tampered)).toBe(false);
      expect(await verifyNotificationSignature(null, genuine.body)).toBe(false);
      const unknownKid = Buffer.from(JSON.stringify({ ...parseSignatureHeader(genuine.signature), kid: "00000000-0000-4000-8000-000000000000" })).toString("base64");
      expect(await verifyNotificationSignature(unknownKid, genuine.body)).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("failures on the way to eBay", () => {
  it("a 500 from the token endpoint", async () => {
    const { grant } = await connectedSeller();
    await emulator.fault({ pathPrefix: TOKEN_PATH, status: 500, count: 1 });
    const error = await rejection(refreshUserAccessToken(grant.refreshToken, emulator.config.scopes));
    expect(error.httpStatus).toBe(500);
    expect(["http", "rest", "oauth"]).toContain(error.kind);
  });

  it("a 429 with Retry-After", async () => {
    const { grant } = await connectedSeller();
    await emulator.fault({ pathPrefix: GET_USER_PATH, status: 429, retryAfterSeconds: 42, count: 1 });
    const error = await rejection(getEbayUser(grant.accessToken));
    expect(error).toMatchObject({ httpStatus: 429, retryAfterSeconds: 42 });
  });

  it("no answer within the timeout", async () => {
    const { grant } = await connectedSeller();
    await emulator.fault({ pathPrefix: GET_USER_PATH, mode: "timeout", count: 1 });
    expect(await rejection(getEbayUser(grant.accessToken))).toMatchObject({ kind: "timeout" });
  });

  it("a dropped connection", async () => {
    const { grant } = await connectedSeller();
    await emulator.fault({ pathPrefix: TRADING_PATH, mode: "reset", count: 1 });
    expect(await rejection(getTokenStatus(grant.accessToken))).toMatchObject({ kind: "network" });
  });

  it("an unreadable body", async () => {
    const { grant } = await connectedSeller();
    await emulator.fault({ pathPrefix: TRADING_PATH, mode: "malformed", count: 1 });
    expect(await rejection(getTokenStatus(grant.accessToken))).toMatchObject({ kind: "malformed" });
    await emulator.fault({ pathPrefix: GET_USER_PATH, mode: "malformed", count: 1 });
    expect(await rejection(getEbayUser(grant.accessToken))).toMatchObject({ kind: "malformed" });
  });
});
