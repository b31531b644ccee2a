// The single place of judgement: given what eBay answered, what state is the account in and why.
// Pure functions over EbayApiError / eBay results; the table they implement is
// ../shared/token-lifecycle.md ("Signals -> verdict"). The one rule above all others: only a definite
// eBay answer about the grant yields needs_reauth; anything transient yields ebay_unavailable, which
// callers show without overwriting the last definite verdict.
import type { EbayApiError } from "@/lib/ebay/errors";
import type { EbayUser } from "@/lib/ebay/identity";
import type { TokenStatus } from "@/lib/ebay/trading";

export const ACCOUNT_STATUSES = ["unchecked", "healthy", "needs_reauth", "ebay_unavailable", "disconnected"] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export const REAUTH_CAUSES = [
  "expired",
  "revoked",
  "revoked_by_user",
  "revoked_by_app",
  "revoked_by_ebay",
  "password_changed",
  "scope_not_granted",
  "missing_scope",
  "invalid_token",
  "hard_expired",
  "wrong_user",
] as const;
export type ReauthCause = (typeof REAUTH_CAUSES)[number];

export const UNAVAILABLE_CAUSES = [
  "server_error",
  "timeout",
  "network",
  "malformed_response",
  "rate_limited",
  "app_credentials_invalid",
] as const;
export type UnavailableCause = (typeof UNAVAILABLE_CAUSES)[number];

export type HealthyVerdict = { status: "healthy"; cause?: undefined; message: string };
export type NeedsReauthVerdict = { status: "needs_reauth"; cause: ReauthCause; message: string; revokedAt?: Date };
export type UnavailableVerdict = {
  status: "ebay_unavailable";
  cause: UnavailableCause;
  message: string;
  retryAfterSeconds?: number;
  /** True when eBay itself said how long to wait (Retry-After); false when retryAfterSeconds is our default. */
  retryAfterFromEbay?: boolean;
};
/** What one check concludes. (unchecked and disconnected are account states no check produces.) */
export type Verdict = HealthyVerdict | NeedsReauthVerdict | UnavailableVerdict;

/** A 401/1001-style answer to an access token that was not fresh: refresh it and ask again. */
export type RetryAfterRefresh = { retryAfterRefresh: true };

// REST errorIds and Trading error codes the table names.
export const REST_INVALID_ACCESS_TOKEN = 1001;
export const REST_ACCESS_DENIED = 1100;
export const REST_TOO_MANY_REQUESTS = 2001;
export const TRADING_NO_TOKEN = 930;
export const TRADING_TOKEN_INVALID = 931;
export const TRADING_TOKEN_HARD_EXPIRED = 932;
export const TRADING_IAF_TOKEN_INVALID = 21916984;
export const TRADING_IAF_TOKEN_EXPIRED = 21917053;
export const TRADING_USAGE_LIMIT_EXCEEDED = 518;
export const TRADING_CALL_LIMIT_EXCEEDED = 21919144;

const TRADING_TOKEN_REJECTED = [
  TRADING_NO_TOKEN,
  TRADING_TOKEN_INVALID,
  TRADING_TOKEN_HARD_EXPIRED,
  TRADING_IAF_TOKEN_INVALID,
  TRADING_IAF_TOKEN_EXPIRED,
];

/** Default wait before retrying when eBay sent no Retry-After (quota windows are long; servers recover fast). */
export const DEFAULT_RETRY_AFTER_SECONDS: Record<UnavailableCause, number> = {
  server_error: 60,
  timeout: 60,
  network: 60,
  malformed_response: 300,
  rate_limited: 900,
  app_credentials_invalid: 3600,
};

export function healthy(message = "eBay accepted the token."): HealthyVerdict {
  return { status: "healthy", message };
}

export function needsReauth(cause: ReauthCause, message: string, revokedAt?: Date): NeedsReauthVerdict {
  return revokedAt === undefined ? { status: "needs_reauth", cause, message } : { status: "needs_reauth", cause, message, revokedAt };
}

export function unavailable(cause: UnavailableCause, message: string, retryAfterSeconds?: number): UnavailableVerdict {
  return {
    status: "ebay_unavailable",
    cause,
    message,
    retryAfterSeconds: retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS[cause],
    retryAfterFromEbay: retryAfterSeconds !== undefined,
  };
}

/**
 * The token endpoint refused to refresh. invalid_grant is eBay saying the refresh token is dead; it does
 * not say why, so the stored expiry decides between "expired" and "revoked".
 */
export function judgeRefreshFailure(
  error: EbayApiError,
  context: { refreshTokenExpiresAt: Date | null; now: Date },
): Verdict {
  const transient = judgeTransientFailure(error);
  if (transient) return transient;
  if (error.kind === "oauth") {
    switch (error.oauthError) {
      case "invalid_grant": {
        const pastExpiry =
          context.refreshTokenExpiresAt !== null && context.now.getTime() >= context.refreshTokenExpiresAt.getTime();
        return pastExpiry
          ? needsReauth("expired", "eBay refused the refresh token: it has passed its expiry date.")
          : needsReauth(
              "revoked",
              "eBay refused the refresh token before its expiry date: it was revoked (by the seller, a password change or eBay; eBay does not say which).",
            );
      }
      case "invalid_scope":
        return needsReauth(
          "scope_not_granted",
          "eBay refused the refresh: ChannelKeys asks for permissions (scopes) the seller has not granted.",
        );
    }
  }
  return judgeUnrecognizedFailure(error);
}

/**
 * An API call made with an access token failed. A rejected token that was not just refreshed is
 * routine (refresh and ask again); rejected right after a refresh, it is eBay's definite answer.
 */
export function judgeApiFailure(
  error: EbayApiError,
  context: { accessTokenJustRefreshed: boolean },
): Verdict | RetryAfterRefresh {
  const transient = judgeTransientFailure(error);
  if (transient) return transient;

  if (error.kind === "rest" || error.kind === "http") {
    const tokenRejected = error.hasRestErrorId(REST_INVALID_ACCESS_TOKEN) || (error.kind === "http" && error.httpStatus === 401);
    if (tokenRejected) {
      return context.accessTokenJustRefreshed
        ? needsReauth("revoked", "eBay rejected a freshly refreshed access token (Invalid access token): the grant was revoked.")
        : { retryAfterRefresh: true };
    }
    if (error.hasRestErrorId(REST_ACCESS_DENIED)) {
      // Some eBay APIs also answer 1100 to an expired token: only a fresh token's 1100 means a missing scope.
      return context.accessTokenJustRefreshed
        ? needsReauth("missing_scope", "eBay denied access (Insufficient permissions): the token lacks a permission (scope) ChannelKeys needs.")
        : { retryAfterRefresh: true };
    }
  }

  if (error.kind === "trading" && error.hasTradingErrorCode(...TRADING_TOKEN_REJECTED)) {
    if (!context.accessTokenJustRefreshed) return { retryAfterRefresh: true };
    const codes = error.tradingErrorCodes.join(", ");
    if (error.hasTradingErrorCode(TRADING_TOKEN_HARD_EXPIRED)) {
      return needsReauth("hard_expired", `eBay Trading says the token is hard expired (error ${codes}).`);
    }
    if (error.hasTradingErrorCode(TRADING_IAF_TOKEN_EXPIRED)) {
      return needsReauth("expired", `eBay Trading says the token is expired (error ${codes}).`);
    }
    return needsReauth("invalid_token", `eBay Trading says the token is invalid (error ${codes}).`);
  }

  return judgeUnrecognizedFailure(error);
}

/** What GetTokenStatus's TokenStatus.Status means for the account. */
export function judgeTokenStatus(tokenStatus: Pick<TokenStatus, "status" | "revocationTime">): Verdict {
  const revokedAt = tokenStatus.revocationTime;
  const when = revokedAt ? ` on ${revokedAt.toISOString().replace("T", " ").slice(0, 16)} UTC` : "";
  switch (tokenStatus.status) {
    case "Active":
      return healthy("eBay reports the token as Active.");
    case "Expired":
      return needsReauth("expired", "eBay reports the token as Expired.");
    case "Invalid":
      return needsReauth("invalid_token", "eBay reports the token as Invalid.");
    case "RevokedByUser":
      return needsReauth("revoked_by_user", `eBay reports the token was revoked by the seller${when}.`, revokedAt);
    case "RevokedByApp":
      return needsReauth("revoked_by_app", `eBay reports the token was revoked by the application${when}.`, revokedAt);
    case "RevokedByeBay":
      return needsReauth("revoked_by_ebay", `eBay reports the token was revoked by eBay${when}.`, revokedAt);
    case "CustomCode":
      // A status value newer than this code knows: not a definite answer about the grant.
      return unavailable("malformed_response", "eBay reported a token status ChannelKeys does not recognise.");
  }
}

/**
 * GetTokenStatus about an Auth'n'Auth token. Unlike an OAuth access token it is never refreshed: whatever eBay
 * reports is final for this token, and only the seller signing in again makes a new one. The token must also belong
 * to the account's own eBay user (its EIAS token), when the account knows it.
 */
export function judgeAuthNAuthTokenStatus(
  tokenStatus: Pick<TokenStatus, "status" | "revocationTime" | "eiasToken">,
  expectedEiasToken: string | null,
): Verdict {
  if (expectedEiasToken && tokenStatus.eiasToken && tokenStatus.eiasToken !== expectedEiasToken) {
    return needsReauth("wrong_user", "The Auth'n'Auth token belongs to another eBay user than this account's.");
  }
  const revokedAt = tokenStatus.revocationTime;
  const when = revokedAt ? ` on ${revokedAt.toISOString().replace("T", " ").slice(0, 16)} UTC` : "";
  switch (tokenStatus.status) {
    case "Active":
      return healthy("eBay reports the Auth'n'Auth token as Active.");
    case "Expired":
      return needsReauth("hard_expired", "eBay reports the Auth'n'Auth token as Expired: it reached its hard expiration time and cannot be renewed.");
    case "Invalid":
      return needsReauth("invalid_token", "eBay reports the Auth'n'Auth token as Invalid.");
    case "RevokedByUser":
      return needsReauth("revoked_by_user", `eBay reports the Auth'n'Auth token was revoked by the seller${when}.`, revokedAt);
    case "RevokedByApp":
      return needsReauth("revoked_by_app", `eBay reports the Auth'n'Auth token was revoked by the application${when}.`, revokedAt);
    case "RevokedByeBay":
      return needsReauth("revoked_by_ebay", `eBay reports the Auth'n'Auth token was revoked by eBay${when}.`, revokedAt);
    case "CustomCode":
      return unavailable("malformed_response", "eBay reported an Auth'n'Auth token status ChannelKeys does not recognise.");
  }
}

/**
 * A Trading call made with an Auth'n'Auth token failed. There is nothing to refresh, so 931 (invalid: revoked or
 * unknown) and 932 (hard expired) are eBay's definite word on the token.
 */
export function judgeAuthNAuthFailure(error: EbayApiError): Verdict {
  const transient = judgeTransientFailure(error);
  if (transient) return transient;
  if (error.kind === "trading") {
    if (error.hasTradingErrorCode(TRADING_TOKEN_HARD_EXPIRED)) {
      return needsReauth("hard_expired", "eBay Trading says the Auth'n'Auth token is hard expired (error 932): the seller needs to sign in again for a new one.");
    }
    if (error.hasTradingErrorCode(TRADING_TOKEN_INVALID, TRADING_NO_TOKEN)) {
      return needsReauth("invalid_token", `eBay Trading says the Auth'n'Auth token is invalid (error ${error.tradingErrorCodes.join(", ")}).`);
    }
  }
  return judgeUnrecognizedFailure(error);
}

/** The revokeReason values of eBay's AUTHORIZATION_REVOCATION notification. */
export const REVOKE_REASONS = ["REVOKED_BY_USER", "REVOKED_BY_EBAY", "REVOKED_BY_APP", "PASSWORD_CHANGE"] as const;
export type RevokeReason = (typeof REVOKE_REASONS)[number];

/**
 * eBay pushed an AUTHORIZATION_REVOCATION: the OAuth grant is gone, and eBay says why (unlike invalid_grant). A
 * password change gets a cause of its own here, since eBay names it (GetTokenStatus cannot: it reports Invalid).
 */
export function judgeRevocationNotice(reason: RevokeReason, revokedAt: Date | undefined): NeedsReauthVerdict {
  const when = revokedAt ? ` on ${revokedAt.toISOString().replace("T", " ").slice(0, 16)} UTC` : "";
  switch (reason) {
    case "REVOKED_BY_USER":
      return needsReauth("revoked_by_user", `eBay notified ChannelKeys that the seller revoked its access${when}.`, revokedAt);
    case "REVOKED_BY_EBAY":
      return needsReauth("revoked_by_ebay", `eBay notified ChannelKeys that eBay revoked its access${when}.`, revokedAt);
    case "REVOKED_BY_APP":
      return needsReauth("revoked_by_app", `eBay notified ChannelKeys that the authorization was revoked by the application${when}.`, revokedAt);
    case "PASSWORD_CHANGE":
      return needsReauth("password_changed", `eBay notified ChannelKeys that the seller changed the eBay password${when}, which ends the authorization.`, revokedAt);
  }
}

/** A legacy TokenRevocation Platform Notification: shaped like GetTokenStatus, about an Auth'n'Auth token. */
export function judgeTokenRevocationNotice(tokenStatus: Pick<TokenStatus, "status" | "revocationTime">): Verdict {
  const judged = judgeAuthNAuthTokenStatus({ ...tokenStatus, eiasToken: undefined }, null);
  if (judged.status !== "needs_reauth") return judged;
  return { ...judged, message: judged.message.replace(/^eBay reports/, "eBay notified ChannelKeys that") };
}

const SEVERITY: Record<Verdict["status"], number> = { healthy: 0, ebay_unavailable: 1, needs_reauth: 2 };

/**
 * One account can hold an OAuth grant and an Auth'n'Auth token at once; the account is as well as its worse one
 * (a dead credential is the seller's problem even if the other works). The message names which credential said what.
 */
export function combineCredentialVerdicts(verdicts: { oauth?: Verdict; authNAuth?: Verdict }): Verdict {
  const entries: Array<[string, Verdict]> = [];
  if (verdicts.oauth) entries.push(["OAuth", verdicts.oauth]);
  if (verdicts.authNAuth) entries.push(["Auth'n'Auth", verdicts.authNAuth]);
  if (entries.length === 0) return needsReauth("invalid_token", "No eBay token is stored for this account.");
  if (entries.length === 1) return entries[0]![1];
  const worst = entries.reduce((a, b) => (SEVERITY[b[1].status] > SEVERITY[a[1].status] ? b : a))[1];
  const message = entries.map(([name, verdict]) => `${name}: ${verdict.message}`).join(" ");
  return { ...worst, message };
}

/** getUser answered: the token works, but it must belong to the account's own eBay user. */
export function judgeIdentity(ebayUser: Pick<EbayUser, "userId">, expectedEbayUserId: string): Verdict {
  if (ebayUser.userId !== expectedEbayUserId) {
    return needsReauth("wrong_user", "The token belongs to another eBay user than this account's.");
  }
  return healthy("eBay accepted the token and identified the account's own eBay user.");
}

/**
 * Failures that say nothing about the grant: no answer, eBay's servers failing, rate limits, and the
 * app's own keys being refused (invalid_client: an operator problem that hits every account alike).
 * Returns null when the error is not transient.
 */
export function judgeTransientFailure(error: EbayApiError): UnavailableVerdict | null {
  const retryAfter = error.retryAfterSeconds;
  switch (error.kind) {
    case "timeout":
      return unavailable("timeout", "eBay did not answer in time.", retryAfter);
    case "network":
      return unavailable("network", "eBay could not be reached (connection failed or was reset).", retryAfter);
    case "malformed":
      return unavailable("malformed_response", "eBay's answer could not be read.", retryAfter);
  }
  if (
    error.httpStatus === 429 ||
    error.hasRestErrorId(REST_TOO_MANY_REQUESTS) ||
    error.hasTradingErrorCode(TRADING_USAGE_LIMIT_EXCEEDED, TRADING_CALL_LIMIT_EXCEEDED)
  ) {
    return unavailable("rate_limited", "eBay's call limit has been reached.", retryAfter);
  }
  if (error.kind === "oauth" && error.oauthError === "invalid_client") {
    return unavailable("app_credentials_invalid", "eBay rejected ChannelKeys' application keys (invalid_client).", retryAfter);
  }
  if (error.httpStatus !== undefined && error.httpStatus >= 500) {
    return unavailable("server_error", `eBay answered with a server error (HTTP ${error.httpStatus}).`, retryAfter);
  }
  return null;
}

// An eBay answer the table does not list (an unknown OAuth error, a 404, a Trading code we do not know):
// not a definite word on the grant, so it must not cost the seller a re-authorization.
function judgeUnrecognizedFailure(error: EbayApiError): UnavailableVerdict {
  const what =
    error.kind === "oauth"
      ? `OAuth error ${error.oauthError ?? "unknown"}`
      : error.kind === "trading"
        ? `Trading error ${error.tradingErrorCodes.join(", ") || "without a code"}`
        : error.errorId !== undefined
          ? `errorId ${error.errorId}`
          : `HTTP ${error.httpStatus ?? "?"}`;
  return unavailable("malformed_response", `eBay gave an answer ChannelKeys does not recognise (${what}).`, error.retryAfterSeconds);
}

export function isRetryAfterRefresh(value: Verdict | RetryAfterRefresh): value is RetryAfterRefresh {
  return "retryAfterRefresh" in value;
}
