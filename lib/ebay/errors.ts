// One error type for everything eBay (or the road to it) can answer, carrying exactly the facts the
// verdict in lib/tokens/verdict.ts judges on. Messages are built from eBay's error fields only: never
// from request headers or bodies, so a token or the Authorization header cannot leak into logs or UI.

export type EbayErrorKind =
  /** The token endpoint answered with an OAuth error body ({"error":"invalid_grant",...}). */
  | "oauth"
  /** A REST API answered with eBay's {"errors":[{errorId,...}]} body. */
  | "rest"
  /** The Trading API answered Ack=Failure with <Errors>. */
  | "trading"
  /** A non-2xx HTTP answer whose body is none of the above (an HTML 502 page, an empty 503...). */
  | "http"
  /** No answer within the configured timeout. */
  | "timeout"
  /** Connection refused/reset, DNS failure: the request never got an HTTP answer. */
  | "network"
  /** A 2xx answer whose body could not be parsed or lacks what eBay always sends. */
  | "malformed";

export type EbayOperation =
  | "oauth.exchangeCode"
  | "oauth.refresh"
  | "oauth.clientCredentials"
  | "oauth.revoke"
  | "identity.getUser"
  | "trading.GetTokenStatus"
  | "trading.GetSessionID"
  | "trading.FetchToken"
  | "trading.GetUser"
  | "trading.RevokeToken"
  | "analytics.getRateLimits"
  | "notification.getPublicKey";

export type EbayRestErrorDetail = {
  errorId: number;
  domain?: string;
  category?: string;
  message?: string;
  longMessage?: string;
};

export type EbayTradingErrorDetail = {
  code: number;
  shortMessage?: string;
  longMessage?: string;
  severity?: string;
  classification?: string;
};

export type EbayApiErrorInit = {
  kind: EbayErrorKind;
  operation: EbayOperation;
  httpStatus?: number;
  oauthError?: string;
  oauthErrorDescription?: string;
  restErrors?: EbayRestErrorDetail[];
  tradingErrors?: EbayTradingErrorDetail[];
  retryAfterSeconds?: number;
  /** What went wrong in words; must never contain a token, secret or header. */
  detail: string;
};

export class EbayApiError extends Error {
  readonly kind: EbayErrorKind;
  readonly operation: EbayOperation;
  readonly httpStatus?: number;
  readonly oauthError?: string;
  readonly oauthErrorDescription?: string;
  /** errorId of the first REST error (1001 invalid token, 1100 access denied, 2001 rate limited...). */
  readonly errorId?: number;
  readonly restErrors: EbayRestErrorDetail[];
  readonly tradingErrorCodes: number[];
  readonly tradingErrors: EbayTradingErrorDetail[];
  readonly retryAfterSeconds?: number;

  constructor(init: EbayApiErrorInit) {
    super(redactTokens(`${describeOperation(init.operation)}: ${init.detail}`));
    this.name = "EbayApiError";
    this.kind = init.kind;
    this.operation = init.operation;
    if (init.httpStatus !== undefined) this.httpStatus = init.httpStatus;
    if (init.oauthError !== undefined) this.oauthError = init.oauthError;
    if (init.oauthErrorDescription !== undefined) this.oauthErrorDescription = redactTokens(init.oauthErrorDescription);
    this.restErrors = init.restErrors ?? [];
    const firstRestError = this.restErrors[0];
    if (firstRestError !== undefined) this.errorId = firstRestError.errorId;
    this.tradingErrors = init.tradingErrors ?? [];
    this.tradingErrorCodes = this.tradingErrors.map((error) => error.code);
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
  }

  hasRestErrorId(errorId: number): boolean {
    return this.restErrors.some((error) => error.errorId === errorId);
  }

  hasTradingErrorCode(...codes: number[]): boolean {
    return this.tradingErrorCodes.some((code) => codes.includes(code));
  }

  /** Plain data for logs and tests: everything but the stack. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      operation: this.operation,
      httpStatus: this.httpStatus,
      oauthError: this.oauthError,
      oauthErrorDescription: this.oauthErrorDescription,
      errorId: this.errorId,
      tradingErrorCodes: this.tradingErrorCodes,
      retryAfterSeconds: this.retryAfterSeconds,
      message: this.message,
    };
  }
}

/** A value we were asked to send is unusable before eBay ever sees it (e.g. an authorization code cut at '#'). */
export class EbayInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EbayInputError";
  }
}

export function isEbayApiError(error: unknown): error is EbayApiError {
  return error instanceof EbayApiError;
}

function describeOperation(operation: EbayOperation): string {
  switch (operation) {
    case "oauth.exchangeCode":
      return "eBay authorization code exchange";
    case "oauth.refresh":
      return "eBay token refresh";
    case "oauth.clientCredentials":
      return "eBay application token";
    case "oauth.revoke":
      return "eBay token revoke";
    case "identity.getUser":
      return "eBay Identity getUser";
    case "trading.GetTokenStatus":
      return "eBay Trading GetTokenStatus";
    case "trading.GetSessionID":
      return "eBay Trading GetSessionID";
    case "trading.FetchToken":
      return "eBay Trading FetchToken";
    case "trading.GetUser":
      return "eBay Trading GetUser";
    case "trading.RevokeToken":
      return "eBay Trading RevokeToken";
    case "analytics.getRateLimits":
      return "eBay Developer Analytics rate_limit";
    case "notification.getPublicKey":
      return "eBay Notification API getPublicKey";
  }
}

// eBay user tokens, refresh tokens and codes all start "v^1.1#i^1#..."; Trading auth tokens start "AgAAAA".
// eBay never echoes them in error text, but an unexpected body (a proxy page) might: cut them out.
const TOKEN_PATTERN = /v\^\d+(?:\.\d+)?#[^\s"'<>&,;]*|AgAAAA[A-Za-z0-9+/=_*-]{20,}|Bearer\s+\S+|Basic\s+[A-Za-z0-9+/=]+/g;

export function redactTokens(text: string): string {
  return text.replace(TOKEN_PATTERN, "[redacted]");
}
