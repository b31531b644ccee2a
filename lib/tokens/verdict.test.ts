import { describe, expect, it } from "vitest";
import { EbayApiError, type EbayApiErrorInit, type EbayOperation } from "@/lib/ebay/errors";
import type { TokenStatusCode } from "@/lib/ebay/trading";
import {
  combineCredentialVerdicts,
  healthy,
  judgeAuthNAuthFailure,
  judgeAuthNAuthTokenStatus,
  judgeRevocationNotice,
  judgeTokenRevocationNotice,
  unavailable,
  judgeApiFailure,
  judgeIdentity,
  judgeRefreshFailure,
  judgeTokenStatus,
  judgeTransientFailure,
  type RetryAfterRefresh,
  type Verdict,
} from "@/lib/tokens/verdict";

// Errors shaped exactly as lib/ebay builds them from the answers listed in ebay-reference.md.
function oauthError(httpStatus: number, error: string, description?: string, retryAfterSeconds?: number): EbayApiError {
  return new EbayApiError({
    kind: "oauth",
    operation: "oauth.refresh",
    httpStatus,
    oauthError: error,
    ...(description ? { oauthErrorDescription: description } : {}),
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    detail: `HTTP ${httpStatus} ${error}`,
  });
}

function restError(httpStatus: number, errorId: number, message: string, retryAfterSeconds?: number): EbayApiError {
  return new EbayApiError({
    kind: "rest",
    operation: "identity.getUser",
    httpStatus,
    restErrors: [{ errorId, domain: "OAuth", category: "REQUEST", message }],
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    detail: `HTTP ${httpStatus}, errorId ${errorId}`,
  });
}

function tradingError(...codes: number[]): EbayApiError {
  return new EbayApiError({
    kind: "trading",
    operation: "trading.GetTokenStatus",
    httpStatus: 200,
    tradingErrors: codes.map((code) => ({ code, severity: "Error" })),
    detail: `Ack Failure, ${codes.join(", ")}`,
  });
}

function bare(kind: EbayApiErrorInit["kind"], httpStatus?: number, operation: EbayOperation = "identity.getUser"): EbayApiError {
  return new EbayApiError({ kind, operation, ...(httpStatus === undefined ? {} : { httpStatus }), detail: kind });
}

const NOW = new Date("2027-03-01T12:00:00Z");
const BEFORE_EXPIRY = { refreshTokenExpiresAt: new Date("2027-06-01T00:00:00Z"), now: NOW };
const AFTER_EXPIRY = { refreshTokenExpiresAt: new Date("2027-02-01T00:00:00Z"), now: NOW };

type Expected = { status: Verdict["status"]; cause?: string; retryAfterSeconds?: number } | RetryAfterRefresh;

function expectVerdict(actual: Verdict | RetryAfterRefresh, expected: Expected): void {
  if ("retryAfterRefresh" in expected) {
    expect(actual).toEqual({ retryAfterRefresh: true });
    return;
  }
  expect(actual).toMatchObject(expected);
  expect((actual as Verdict).message.length).toBeGreaterThan(0);
}

describe("judgeRefreshFailure: the token endpoint's answers to grant_type=refresh_token", () => {
  const rows: [string, EbayApiError, typeof BEFORE_EXPIRY | { refreshTokenExpiresAt: null; now: Date }, Expected][] = [
    [
      "400 invalid_grant before the stored expiry -> revoked (eBay does not say by whom)",
      oauthError(400, "invalid_grant", "the provided authorization refresh token is invalid or was issued to another client"),
      BEFORE_EXPIRY,
      { status: "needs_reauth", cause: "revoked" },
    ],
    [
      "400 invalid_grant after the stored expiry -> expired",
      oauthError(400, "invalid_grant", "the provided authorization refresh token is invalid or was issued to another client"),
      AFTER_EXPIRY,
      { status: "needs_reauth", cause: "expired" },
    ],
    [
      "400 invalid_grant exactly at the stored expiry -> expired",
      oauthError(400, "invalid_grant"),
      { refreshTokenExpiresAt: NOW, now: NOW },
      { status: "needs_reauth", cause: "expired" },
    ],
    [
      "400 invalid_grant with no stored expiry -> revoked",
      oauthError(400, "invalid_grant"),
      { refreshTokenExpiresAt: null, now: NOW },
      { status: "needs_reauth", cause: "revoked" },
    ],
    [
      "400 invalid_scope -> scope not granted",
      oauthError(400, "invalid_scope", "The requested scope is invalid, unknown, malformed, or exceeds the scope granted to the client"),
      BEFORE_EXPIRY,
      { status: "needs_reauth", cause: "scope_not_granted" },
    ],
    [
      "401 invalid_client -> eBay unavailable: the app's keys (operator problem)",
      oauthError(401, "invalid_client", "client authentication failed"),
      BEFORE_EXPIRY,
      { status: "ebay_unavailable", cause: "app_credentials_invalid" },
    ],
    [
      "401 invalid_client even after the stored expiry -> still the app's keys, never the seller's",
      oauthError(401, "invalid_client"),
      AFTER_EXPIRY,
      { status: "ebay_unavailable", cause: "app_credentials_invalid" },
    ],
    ["HTTP 500 without a body -> server error", bare("http", 500, "oauth.refresh"), AFTER_EXPIRY, { status: "ebay_unavailable", cause: "server_error" }],
    [
      "HTTP 503 temporarily_unavailable -> server error",
      oauthError(503, "temporarily_unavailable"),
      BEFORE_EXPIRY,
      { status: "ebay_unavailable", cause: "server_error" },
    ],
    [
      "HTTP 429 with Retry-After 30 -> rate limited, retry after 30 s",
      new EbayApiError({ kind: "http", operation: "oauth.refresh", httpStatus: 429, retryAfterSeconds: 30, detail: "429" }),
      AFTER_EXPIRY,
      { status: "ebay_unavailable", cause: "rate_limited", retryAfterSeconds: 30 },
    ],
    ["timeout -> timeout", bare("timeout", undefined, "oauth.refresh"), AFTER_EXPIRY, { status: "ebay_unavailable", cause: "timeout" }],
    ["connection reset -> network", bare("network", undefined, "oauth.refresh"), AFTER_EXPIRY, { status: "ebay_unavailable", cause: "network" }],
    [
      "200 with an unreadable body -> malformed response",
      bare("malformed", 200, "oauth.refresh"),
      AFTER_EXPIRY,
      { status: "ebay_unavailable", cause: "malformed_response" },
    ],
    [
      "an OAuth error the table does not list (400 invalid_request) -> not a definite answer",
      oauthError(400, "invalid_request", "Input request parameters are invalid."),
      AFTER_EXPIRY,
      { status: "ebay_unavailable", cause: "malformed_response" },
    ],
  ];
  it.each(rows)("%s", (_name, error, context, expected) => {
    expectVerdict(judgeRefreshFailure(error, context), expected);
  });
});

describe("judgeApiFailure: REST and Trading answers to a call made with an access token", () => {
  const rows: [string, EbayApiError, boolean, Expected][] = [
    ["REST 401 errorId 1001 with an old access token -> refresh, then judge again", restError(401, 1001, "Invalid access token"), false, { retryAfterRefresh: true }],
    ["REST 401 errorId 1001 right after a refresh -> revoked", restError(401, 1001, "Invalid access token"), true, { status: "needs_reauth", cause: "revoked" }],
    ["bare HTTP 401 with an old token -> refresh first", bare("http", 401), false, { retryAfterRefresh: true }],
    ["bare HTTP 401 right after a refresh -> revoked", bare("http", 401), true, { status: "needs_reauth", cause: "revoked" }],
    ["REST 403 errorId 1100 right after a refresh -> missing scope", restError(403, 1100, "Access denied"), true, { status: "needs_reauth", cause: "missing_scope" }],
    ["REST 403 errorId 1100 with an old token (also sent for expired tokens) -> refresh first", restError(403, 1100, "Access denied"), false, { retryAfterRefresh: true }],
    ["REST 429 errorId 2001 with Retry-After -> rate limited", restError(429, 2001, "Too many requests.", 120), false, { status: "ebay_unavailable", cause: "rate_limited", retryAfterSeconds: 120 }],
    ["REST 429 errorId 2001 without Retry-After -> rate limited with a default wait", restError(429, 2001, "Too many requests."), true, { status: "ebay_unavailable", cause: "rate_limited", retryAfterSeconds: 900 }],
    ["REST 500 with an errors body -> server error", restError(500, 10001, "System error"), true, { status: "ebay_unavailable", cause: "server_error" }],
    ["HTTP 502 page -> server error", bare("http", 502), true, { status: "ebay_unavailable", cause: "server_error" }],
    ["HTTP 503 -> server error, Retry-After kept", new EbayApiError({ kind: "http", operation: "identity.getUser", httpStatus: 503, retryAfterSeconds: 7, detail: "503" }), false, { status: "ebay_unavailable", cause: "server_error", retryAfterSeconds: 7 }],
    ["timeout -> timeout", bare("timeout"), true, { status: "ebay_unavailable", cause: "timeout" }],
    ["connection reset -> network", bare("network"), true, { status: "ebay_unavailable", cause: "network" }],
    ["unparseable body -> malformed response", bare("malformed", 200), true, { status: "ebay_unavailable", cause: "malformed_response" }],
    ["REST 404 with an unknown errorId -> not a definite answer", restError(404, 11001, "Not found"), true, { status: "ebay_unavailable", cause: "malformed_response" }],
    ["Trading 930 (no token) with an old token -> refresh first", tradingError(930), false, { retryAfterRefresh: true }],
    ["Trading 930 right after a refresh -> invalid", tradingError(930), true, { status: "needs_reauth", cause: "invalid_token" }],
    ["Trading 931 with an old token -> refresh first", tradingError(931), false, { retryAfterRefresh: true }],
    ["Trading 931 right after a refresh -> invalid", tradingError(931), true, { status: "needs_reauth", cause: "invalid_token" }],
    ["Trading 932 with an old token -> refresh first", tradingError(932), false, { retryAfterRefresh: true }],
    ["Trading 932 right after a refresh -> hard expired", tradingError(932), true, { status: "needs_reauth", cause: "hard_expired" }],
    ["Trading 21916984 with an old token -> refresh first", tradingError(21916984), false, { retryAfterRefresh: true }],
    ["Trading 21916984 right after a refresh -> invalid", tradingError(21916984), true, { status: "needs_reauth", cause: "invalid_token" }],
    ["Trading 21917053 with an old token -> refresh first", tradingError(21917053), false, { retryAfterRefresh: true }],
    ["Trading 21917053 right after a refresh -> expired", tradingError(21917053), true, { status: "needs_reauth", cause: "expired" }],
    ["Trading 518 -> rate limited", tradingError(518), false, { status: "ebay_unavailable", cause: "rate_limited" }],
    ["Trading 518 right after a refresh -> still rate limited", tradingError(518), true, { status: "ebay_unavailable", cause: "rate_limited" }],
    ["Trading 21919144 -> rate limited", tradingError(21919144), true, { status: "ebay_unavailable", cause: "rate_limited" }],
    ["Trading 21919144 alongside 931 -> rate limited wins (nothing definite about the grant)", tradingError(21919144, 931), true, { status: "ebay_unavailable", cause: "rate_limited" }],
    ["Trading Ack Failure with an unknown code -> not a definite answer", tradingError(10007), true, { status: "ebay_unavailable", cause: "malformed_response" }],
    ["invalid_client on the token endpoint -> the app's keys", oauthError(401, "invalid_client"), true, { status: "ebay_unavailable", cause: "app_credentials_invalid" }],
  ];
  it.each(rows)("%s", (_name, error, accessTokenJustRefreshed, expected) => {
    expectVerdict(judgeApiFailure(error, { accessTokenJustRefreshed }), expected);
  });
});

describe("judgeTokenStatus: GetTokenStatus TokenStatus.Status", () => {
  const revocationTime = new Date("2027-02-20T08:30:00Z");
  const rows: [TokenStatusCode, Expected][] = [
    ["Active", { status: "healthy" }],
    ["Expired", { status: "needs_reauth", cause: "expired" }],
    ["Invalid", { status: "needs_reauth", cause: "invalid_token" }],
    ["RevokedByUser", { status: "needs_reauth", cause: "revoked_by_user" }],
    ["RevokedByApp", { status: "needs_reauth", cause: "revoked_by_app" }],
    ["RevokedByeBay", { status: "needs_reauth", cause: "revoked_by_ebay" }],
    ["CustomCode", { status: "ebay_unavailable", cause: "malformed_response" }],
  ];
  it.each(rows)("%s", (status, expected) => {
    expectVerdict(judgeTokenStatus({ status }), expected);
  });

  it("carries RevocationTime into the verdict and its message", () => {
    const verdict = judgeTokenStatus({ status: "RevokedByeBay", revocationTime });
    expect(verdict).toMatchObject({ status: "needs_reauth", cause: "revoked_by_ebay", revokedAt: revocationTime });
    expect(verdict.message).toContain("on 2027-02-20 08:30 UTC");
  });
});

describe("judgeIdentity: getUser's userId against the account's", () => {
  it("the account's own user -> healthy", () => {
    expect(judgeIdentity({ userId: "u-1" }, "u-1").status).toBe("healthy");
  });
  it("another eBay user -> needs re-authorization, wrong user", () => {
    expect(judgeIdentity({ userId: "u-2" }, "u-1")).toMatchObject({ status: "needs_reauth", cause: "wrong_user" });
  });
});

describe("the rule: nothing transient ever yields needs_reauth", () => {
  const transient: [string, EbayApiError][] = [
    ["500", bare("http", 500)],
    ["502", bare("http", 502)],
    ["503", bare("http", 503)],
    ["504", bare("http", 504)],
    ["timeout", bare("timeout")],
    ["reset", bare("network")],
    ["malformed", bare("malformed", 200)],
    ["429/2001", restError(429, 2001, "Too many requests.")],
    ["518", tradingError(518)],
    ["21919144", tradingError(21919144)],
    ["invalid_client", oauthError(401, "invalid_client")],
  ];
  for (const [name, error] of transient) {
    it(`${name}: ebay_unavailable from every judge, in every context`, () => {
      expect(judgeTransientFailure(error)?.status).toBe("ebay_unavailable");
      for (const accessTokenJustRefreshed of [true, false]) {
        expect(judgeApiFailure(error, { accessTokenJustRefreshed })).toMatchObject({ status: "ebay_unavailable" });
      }
      for (const context of [BEFORE_EXPIRY, AFTER_EXPIRY]) {
        expect(judgeRefreshFailure(error, context)).toMatchObject({ status: "ebay_unavailable" });
      }
    });
  }

  it("every unavailable verdict says when to retry", () => {
    for (const [, error] of transient) {
      expect(judgeTransientFailure(error)?.retryAfterSeconds).toBeGreaterThan(0);
    }
  });
});

describe("EbayApiError messages", () => {
  it("never carry a token even when an unexpected body echoes one", () => {
    const error = new EbayApiError({
      kind: "oauth",
      operation: "oauth.refresh",
      httpStatus: 400,
      oauthError: "invalid_grant",
      oauthErrorDescription: "bad token v^1.1#i^1#r^1#p^3#f^0#t^H4sIAAAAAAAA/+1Yf2wT",
      detail: "echo Bearer v^1.1#i^1#p^3#r^0#secret and AgAAAA**AQAAAA**aAAAAA**abcdefghijklmnopqrstuvwxyz",
    });
    expect(error.message).not.toContain("v^1.1#");
    expect(error.message).not.toContain("AgAAAA**");
    expect(error.oauthErrorDescription).not.toContain("H4sI");
    expect(JSON.stringify(error.toJSON())).not.toContain("secret");
  });
});

// The Auth'n'Auth rows of docs/token-lifecycle.md: no refresh exists, so every definite answer is final.
describe("judgeAuthNAuthTokenStatus", () => {
  const EIAS = "nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6wJnY+seQ==";
  it.each([
    ["Active", "healthy", undefined],
    ["Expired", "needs_reauth", "hard_expired"],
    ["Invalid", "needs_reauth", "invalid_token"],
    ["RevokedByUser", "needs_reauth", "revoked_by_user"],
    ["RevokedByApp", "needs_reauth", "revoked_by_app"],
    ["RevokedByeBay", "needs_reauth", "revoked_by_ebay"],
    ["CustomCode", "ebay_unavailable", "malformed_response"],
  ] as const)("%s -> %s (%s)", (status, verdict, cause) => {
    const judged = judgeAuthNAuthTokenStatus({ status, eiasToken: EIAS, revocationTime: new Date("2027-01-02T03:04:00Z") }, EIAS);
    expect(judged.status).toBe(verdict);
    expect(judged.cause).toBe(cause);
    expect(judged.message).toContain("Auth'n'Auth");
  });

  it("names the revocation time", () => {
    expect(judgeAuthNAuthTokenStatus({ status: "RevokedByUser", revocationTime: new Date("2027-01-02T03:04:00Z") }, null).message).toContain("2027-01-02 03:04 UTC");
  });

  it("refuses a token of another eBay user, and accepts any when the account's EIAS token is not known yet", () => {
    expect(judgeAuthNAuthTokenStatus({ status: "Active", eiasToken: "other" }, EIAS)).toMatchObject({ status: "needs_reauth", cause: "wrong_user" });
    expect(judgeAuthNAuthTokenStatus({ status: "Active", eiasToken: "other" }, null).status).toBe("healthy");
  });
});

describe("judgeAuthNAuthFailure", () => {
  it("931 is an invalid token and 932 a hard-expired one, at once (there is nothing to refresh)", () => {
    expect(judgeAuthNAuthFailure(tradingError(931))).toMatchObject({ status: "needs_reauth", cause: "invalid_token" });
    expect(judgeAuthNAuthFailure(tradingError(932))).toMatchObject({ status: "needs_reauth", cause: "hard_expired" });
  });

  it("leaves transient and unknown answers unjudged", () => {
    expect(judgeAuthNAuthFailure(tradingError(518))).toMatchObject({ status: "ebay_unavailable", cause: "rate_limited" });
    expect(judgeAuthNAuthFailure(tradingError(12345))).toMatchObject({ status: "ebay_unavailable", cause: "malformed_response" });
    const timeout = new EbayApiError({ kind: "timeout", operation: "trading.GetTokenStatus", detail: "no answer" });
    expect(judgeAuthNAuthFailure(timeout)).toMatchObject({ status: "ebay_unavailable", cause: "timeout" });
  });
});

describe("revocation notifications", () => {
  it.each([
    ["REVOKED_BY_USER", "revoked_by_user"],
    ["REVOKED_BY_EBAY", "revoked_by_ebay"],
    ["REVOKED_BY_APP", "revoked_by_app"],
    ["PASSWORD_CHANGE", "password_changed"],
  ] as const)("AUTHORIZATION_REVOCATION %s -> needs re-authorization (%s)", (reason, cause) => {
    const judged = judgeRevocationNotice(reason, new Date("2027-05-06T07:08:00Z"));
    expect(judged).toMatchObject({ status: "needs_reauth", cause, revokedAt: new Date("2027-05-06T07:08:00Z") });
    expect(judged.message).toMatch(/^eBay notified ChannelKeys/);
  });

  it("TokenRevocation reads its TokenStatus like GetTokenStatus", () => {
    expect(judgeTokenRevocationNotice({ status: "RevokedByeBay" })).toMatchObject({ status: "needs_reauth", cause: "revoked_by_ebay" });
    expect(judgeTokenRevocationNotice({ status: "RevokedByUser" }).message).toMatch(/^eBay notified ChannelKeys that the Auth'n'Auth token was revoked by the seller/);
  });
});

describe("combineCredentialVerdicts", () => {
  it("an account is as well as its worse credential, and says which said what", () => {
    const dead = judgeAuthNAuthTokenStatus({ status: "RevokedByUser" }, null);
    const combined = combineCredentialVerdicts({ oauth: healthy("fine."), authNAuth: dead });
    expect(combined).toMatchObject({ status: "needs_reauth", cause: "revoked_by_user" });
    expect(combined.message).toMatch(/^OAuth: fine\. Auth'n'Auth: eBay reports/);
    expect(combineCredentialVerdicts({ oauth: unavailable("timeout", "slow."), authNAuth: healthy() }).status).toBe("ebay_unavailable");
    expect(combineCredentialVerdicts({ authNAuth: dead })).toBe(dead);
    expect(combineCredentialVerdicts({})).toMatchObject({ status: "needs_reauth", cause: "invalid_token" });
  });
});
