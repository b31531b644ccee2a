// eBay's OAuth authorization-code flow: the consent URL, the code exchange, refresh and (unconfirmed) revoke.
import { getEbayConfig, type EbayConfig } from "@/lib/ebay/config";
import { EbayApiError, EbayInputError, type EbayOperation } from "@/lib/ebay/errors";
import { malformed, parseJsonBody, restFailure, sendEbayRequest, type EbayHttpResponse } from "@/lib/ebay/http";

export type AuthorizeUrlOptions = {
  state: string;
  /** "login" makes eBay ask for credentials even when a (possibly different) eBay user is signed in. */
  prompt?: "login";
  locale?: string;
};

export type AuthorizationGrant = {
  accessToken: string;
  /** Seconds, as eBay sent them (7200). */
  accessTokenExpiresIn: number;
  refreshToken: string;
  /** Seconds, as eBay sent them (47,304,000 = 547.5 days). */
  refreshTokenExpiresIn: number;
};

export type RefreshedAccessToken = { accessToken: string; expiresIn: number };

export type ApplicationAccessToken = { accessToken: string; expiresIn: number };

export function buildAuthorizeUrl(options: AuthorizeUrlOptions, config: EbayConfig = getEbayConfig()): string {
  const params: [string, string][] = [
    ["client_id", config.clientId],
    ["redirect_uri", config.ruName],
    ["response_type", "code"],
    ["scope", config.scopes.join(" ")],
    ["state", options.state],
  ];
  if (options.prompt !== undefined) params.push(["prompt", options.prompt]);
  if (options.locale !== undefined) params.push(["locale", options.locale]);
  // encodeURIComponent (spaces as %20), the way eBay's own clients build this URL.
  return `${config.authBaseUrl}/oauth2/authorize?${encodeForm(params)}`;
}

export async function exchangeAuthorizationCode(
  code: string,
  config: EbayConfig = getEbayConfig(),
): Promise<AuthorizationGrant> {
  const operation = "oauth.exchangeCode";
  const body = await postToTokenEndpoint(
    operation,
    [
      ["grant_type", "authorization_code"],
      ["code", normalizeAuthorizationCode(code)],
      ["redirect_uri", config.ruName],
    ],
    config,
  );
  const accessToken = body.access_token;
  const accessTokenExpiresIn = body.expires_in;
  const refreshToken = body.refresh_token;
  const refreshTokenExpiresIn = body.refresh_token_expires_in;
  if (
    !isNonEmptyString(accessToken) ||
    !isPositiveNumber(accessTokenExpiresIn) ||
    !isNonEmptyString(refreshToken) ||
    !isPositiveNumber(refreshTokenExpiresIn)
  ) {
    throw malformed(operation, 200, "the token answer lacks access_token, expires_in, refresh_token or refresh_token_expires_in");
  }
  return { accessToken, accessTokenExpiresIn, refreshToken, refreshTokenExpiresIn };
}

/** `scopes` must be a subset of what the seller granted, else eBay answers invalid_scope. */
export async function refreshUserAccessToken(
  refreshToken: string,
  scopes: string[],
  config: EbayConfig = getEbayConfig(),
): Promise<RefreshedAccessToken> {
  const operation = "oauth.refresh";
  assertNotCutAtHash(refreshToken, "refresh token");
  const body = await postToTokenEndpoint(
    operation,
    [
      ["grant_type", "refresh_token"],
      ["refresh_token", refreshToken],
      ["scope", (scopes.length > 0 ? scopes : config.scopes).join(" ")],
    ],
    config,
  );
  const accessToken = body.access_token;
  const expiresIn = body.expires_in;
  if (!isNonEmptyString(accessToken) || !isPositiveNumber(expiresIn)) {
    throw malformed(operation, 200, "the refresh answer lacks access_token or expires_in");
  }
  return { accessToken, expiresIn };
}

/** An application (client credentials) token, e.g. for the Notification API's public key. */
export async function getApplicationAccessToken(
  scopes: string[] = ["https://api.ebay.com/oauth/api_scope"],
  config: EbayConfig = getEbayConfig(),
): Promise<ApplicationAccessToken> {
  const operation = "oauth.clientCredentials";
  const body = await postToTokenEndpoint(
    operation,
    [
      ["grant_type", "client_credentials"],
      ["scope", scopes.join(" ")],
    ],
    config,
  );
  const accessToken = body.access_token;
  const expiresIn = body.expires_in;
  if (!isNonEmptyString(accessToken) || !isPositiveNumber(expiresIn)) {
    throw malformed(operation, 200, "the token answer lacks access_token or expires_in");
  }
  return { accessToken, expiresIn };
}

/**
 * Revokes a user token at eBay. eBay documents no such endpoint for OAuth user tokens
 * ([UNCONFIRMED] in ebay-reference.md); this calls POST /identity/v1/oauth2/token/revoke with
 * token + token_type_hint. Callers must treat a failure as non-fatal (disconnect still deletes our copy).
 */
export async function revokeUserToken(
  token: string,
  tokenTypeHint: "refresh_token" | "access_token" = "refresh_token",
  config: EbayConfig = getEbayConfig(),
): Promise<void> {
  await postToTokenEndpoint(
    "oauth.revoke",
    [
      ["token", token],
      ["token_type_hint", tokenTypeHint],
    ],
    config,
    "/identity/v1/oauth2/token/revoke",
    { allowEmptyBody: true },
  );
}

/**
 * The code as eBay issued it ("v^1.1#i^1#r^1#..."). It may reach us still URL-encoded (read from a raw
 * query string) or already decoded (from URLSearchParams): decode it at most once, here, so the form
 * encoding below encodes it exactly once. A code cut at '#' (the callback URL was built unencoded and
 * the browser took the rest as a fragment) or encoded twice can never work: say so before eBay does.
 */
export function normalizeAuthorizationCode(code: string): string {
  let value = code.trim();
  if (value === "") throw new EbayInputError("The authorization code is empty.");
  if (PERCENT_ESCAPE.test(value)) {
    try {
      value = decodeURIComponent(value);
    } catch {
      throw new EbayInputError("The authorization code is not valid URL-encoded text.");
    }
    if (PERCENT_ESCAPE.test(value)) {
      throw new EbayInputError("The authorization code was URL-encoded twice; decode it once before exchanging it.");
    }
  }
  assertNotCutAtHash(value, "authorization code");
  if (value.length > 1024) throw new EbayInputError("The authorization code is longer than eBay's 1024 characters.");
  return value;
}

const PERCENT_ESCAPE = /%[0-9a-f]{2}/i;

// eBay tokens and codes are "v^1.1#i^1#...": everything after the first '#' is lost when the value sat
// unquoted in a .env file or an unencoded URL. What remains is only the version prefix.
function assertNotCutAtHash(value: string, what: string): void {
  if (/^v\^\d+(?:\.\d+)?$/.test(value)) {
    throw new EbayInputError(
      `The ${what} stops at its first '#' (only "${value}" is left): quote or URL-encode it where it is stored or passed.`,
    );
  }
}

type TokenEndpointBody = Record<string, unknown>;

async function postToTokenEndpoint(
  operation: EbayOperation,
  form: [string, string][],
  config: EbayConfig,
  path = "/identity/v1/oauth2/token",
  { allowEmptyBody = false }: { allowEmptyBody?: boolean } = {},
): Promise<TokenEndpointBody> {
  const response = await sendEbayRequest({
    operation,
    method: "POST",
    url: `${config.apiBaseUrl}${path}`,
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Accept: "application/json",
      Authorization: `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString("base64")}`,
    },
    body: encodeForm(form),
    timeoutMs: config.timeoutMs,
  });
  if (response.status < 200 || response.status >= 300) throw tokenEndpointFailure(response, operation);
  if (allowEmptyBody && response.text.trim() === "") return {};
  const body = parseJsonBody(response.text);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw malformed(operation, response.status, "the token answer is not a JSON object");
  }
  return body as TokenEndpointBody;
}

// eBay's token endpoint answers {"error","error_description"}; its authorize-style validation answers
// {"error_id","error_description","http_status_code"}. Anything else is judged like any REST failure.
function tokenEndpointFailure(response: EbayHttpResponse, operation: EbayOperation): EbayApiError {
  const body = parseJsonBody(response.text);
  const retryAfter = response.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: response.retryAfterSeconds };
  if (typeof body === "object" && body !== null) {
    const record = body as Record<string, unknown>;
    const oauthError = typeof record.error === "string" ? record.error : typeof record.error_id === "string" ? record.error_id : undefined;
    if (oauthError !== undefined) {
      const description = typeof record.error_description === "string" ? record.error_description : undefined;
      return new EbayApiError({
        kind: "oauth",
        operation,
        httpStatus: response.status,
        oauthError,
        ...(description === undefined ? {} : { oauthErrorDescription: description }),
        ...retryAfter,
        detail: `HTTP ${response.status} ${oauthError}${description ? ` (${description})` : ""}`,
      });
    }
  }
  return restFailure(response, operation);
}

function encodeForm(params: [string, string][]): string {
  return params.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join("&");
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

function isPositiveNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}
