// POST /identity/v1/oauth2/token and /identity/v1/oauth2/token/revoke: eBay's token endpoint, with the exact
// status codes and bodies of ../shared/ebay-reference.md.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppConfig, SellerConfig } from "./config";
import type { EmulatorContext } from "./context";
import {
  OAUTH_INVALID_CLIENT,
  OAUTH_INVALID_GRANT_CODE,
  OAUTH_INVALID_GRANT_REFRESH,
  OAUTH_INVALID_REQUEST,
  OAUTH_INVALID_SCOPE,
  OAUTH_UNSUPPORTED_GRANT_TYPE,
  REST_TOO_MANY_REQUESTS,
  restErrors,
} from "./ebay-errors";
import { header, sendEmpty, sendJson, withQuery } from "./http";
import { APPLICATION_SCOPES, PUBLIC_SCOPE, USER_SCOPES, parseScopeParameter } from "./scopes";
import { revokeGrant } from "./revocation";
import type { GrantRecord, QuotaBucket } from "./state";
import { newApplicationAccessToken, newAuthorizationCode, newOpaqueId, newRefreshToken, newUserAccessToken } from "./tokens";

export const ACCESS_TOKEN_LIFETIME_SECONDS = 7_200;
export const REFRESH_TOKEN_LIFETIME_SECONDS = 47_304_000;
export const AUTHORIZATION_CODE_LIFETIME_SECONDS = 299;

const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

/** Basic client_id:client_secret; undefined when missing, malformed or unknown. */
export function authenticateClient(context: EmulatorContext, authorization: string | undefined): AppConfig | undefined {
  if (!authorization) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const separator = decoded.indexOf(":");
  if (separator < 0) return undefined;
  const app = context.appsByClientId.get(decoded.slice(0, separator));
  return app && app.clientSecret === decoded.slice(separator + 1) ? app : undefined;
}

export function sendQuotaExceeded(context: EmulatorContext, response: ServerResponse): void {
  sendJson(response, 429, restErrors(REST_TOO_MANY_REQUESTS), { "retry-after": String(context.state.secondsUntilQuotaReset()) });
}

/** Issues a single-use code and returns the accept URL the browser is redirected to (also used by /__emulator/consent). */
export function issueAuthorizationCode(
  context: EmulatorContext,
  input: { app: AppConfig; ruName: string; acceptUrl: string; seller: SellerConfig; scopes: string[]; state?: string },
): string {
  const code = newAuthorizationCode();
  context.state.codes.set(code, {
    code,
    clientId: input.app.clientId,
    ruName: input.ruName,
    userId: input.seller.userId,
    scopes: [...input.scopes],
    expiresAtMs: context.clock.nowMs() + AUTHORIZATION_CODE_LIFETIME_SECONDS * 1000,
    used: false,
  });
  context.state.changed();
  const params: Array<[string, string]> = [];
  if (input.state !== undefined) params.push(["state", input.state]);
  params.push(["code", code], ["expires_in", String(AUTHORIZATION_CODE_LIFETIME_SECONDS)]);
  return withQuery(input.acceptUrl, params);
}

function mintUserAccessToken(context: EmulatorContext, grant: GrantRecord, scopes: string[]): string {
  const token = newUserAccessToken();
  const nowMs = context.clock.nowMs();
  context.state.accessTokens.set(token, {
    kind: "user",
    clientId: grant.clientId,
    userId: grant.userId,
    grantId: grant.id,
    scopes,
    issuedAtMs: nowMs,
    expiresAtMs: nowMs + ACCESS_TOKEN_LIFETIME_SECONDS * 1000,
  });
  return token;
}

function grantTypeBucket(grantType: string): QuotaBucket | undefined {
  if (grantType === "authorization_code" || grantType === "refresh_token" || grantType === "client_credentials") return grantType;
  return undefined;
}

export function handleTokenRequest(context: EmulatorContext, request: IncomingMessage, response: ServerResponse, body: string): void {
  const app = authenticateClient(context, header(request, "authorization"));
  if (!app) {
    sendJson(response, 401, OAUTH_INVALID_CLIENT, NO_STORE);
    return;
  }
  const form = new URLSearchParams(body);
  const grantType = form.get("grant_type");
  if (!grantType) {
    sendJson(response, 400, OAUTH_INVALID_REQUEST, NO_STORE);
    return;
  }
  context.state.countGrantType(grantType);
  const bucket = grantTypeBucket(grantType);
  if (!bucket) {
    sendJson(response, 400, OAUTH_UNSUPPORTED_GRANT_TYPE, NO_STORE);
    return;
  }
  if (!context.state.consumeQuota(app.clientId, bucket)) {
    sendQuotaExceeded(context, response);
    return;
  }
  if (grantType === "authorization_code") exchangeCode(context, app, form, response);
  else if (grantType === "refresh_token") refresh(context, app, form, response);
  else clientCredentials(context, app, form, response);
}

function exchangeCode(context: EmulatorContext, app: AppConfig, form: URLSearchParams, response: ServerResponse): void {
  const code = form.get("code");
  const redirectUri = form.get("redirect_uri");
  if (!code || !redirectUri) {
    sendJson(response, 400, OAUTH_INVALID_REQUEST, NO_STORE);
    return;
  }
  const record = context.state.codes.get(code);
  const nowMs = context.clock.nowMs();
  const seller = record ? context.state.sellersById.get(record.userId) : undefined;
  if (!record || !seller || record.used || nowMs >= record.expiresAtMs || record.clientId !== app.clientId || record.ruName !== redirectUri) {
    sendJson(response, 400, OAUTH_INVALID_GRANT_CODE, NO_STORE);
    return;
  }
  record.used = true;
  const grant: GrantRecord = {
    id: newOpaqueId(),
    clientId: app.clientId,
    userId: record.userId,
    scopes: record.scopes,
    refreshToken: newRefreshToken(),
    issuedAtMs: nowMs,
    refreshExpiresAtMs: nowMs + REFRESH_TOKEN_LIFETIME_SECONDS * 1000,
  };
  context.state.addGrant(grant);
  const accessToken = mintUserAccessToken(context, grant, grant.scopes);
  context.state.changed();
  sendJson(
    response,
    200,
    {
      access_token: accessToken,
      expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
      refresh_token: grant.refreshToken,
      refresh_token_expires_in: REFRESH_TOKEN_LIFETIME_SECONDS,
      token_type: "User Access Token",
    },
    NO_STORE,
  );
}

function refresh(context: EmulatorContext, app: AppConfig, form: URLSearchParams, response: ServerResponse): void {
  const refreshToken = form.get("refresh_token");
  if (!refreshToken) {
    sendJson(response, 400, OAUTH_INVALID_REQUEST, NO_STORE);
    return;
  }
  const grant = context.state.grantsByRefreshToken.get(refreshToken);
  const seller = grant ? context.state.sellersById.get(grant.userId) : undefined;
  if (seller) context.state.countRefreshFor(seller);
  if (!grant || !seller || grant.clientId !== app.clientId || grant.revocation || context.clock.nowMs() >= grant.refreshExpiresAtMs) {
    sendJson(response, 400, OAUTH_INVALID_GRANT_REFRESH, NO_STORE);
    return;
  }
  // [UNCONFIRMED] a refresh without scope gets the full granted scope set.
  const requested = form.has("scope") ? parseScopeParameter(form.get("scope")) : grant.scopes;
  const granted = new Set(grant.scopes);
  if (requested.length === 0 || requested.some((scope) => !USER_SCOPES.has(scope) || !granted.has(scope))) {
    sendJson(response, 400, OAUTH_INVALID_SCOPE, NO_STORE);
    return;
  }
  const accessToken = mintUserAccessToken(context, grant, [...new Set(requested)]);
  context.state.changed();
  sendJson(response, 200, { access_token: accessToken, expires_in: ACCESS_TOKEN_LIFETIME_SECONDS, token_type: "User Access Token" }, NO_STORE);
}

function clientCredentials(context: EmulatorContext, app: AppConfig, form: URLSearchParams, response: ServerResponse): void {
  const requested = form.has("scope") ? parseScopeParameter(form.get("scope")) : [PUBLIC_SCOPE];
  if (requested.length === 0 || requested.some((scope) => !APPLICATION_SCOPES.has(scope))) {
    sendJson(response, 400, OAUTH_INVALID_SCOPE, NO_STORE);
    return;
  }
  const token = newApplicationAccessToken();
  const nowMs = context.clock.nowMs();
  context.state.accessTokens.set(token, {
    kind: "application",
    clientId: app.clientId,
    scopes: [...new Set(requested)],
    issuedAtMs: nowMs,
    expiresAtMs: nowMs + ACCESS_TOKEN_LIFETIME_SECONDS * 1000,
  });
  context.state.changed();
  sendJson(response, 200, { access_token: token, expires_in: ACCESS_TOKEN_LIFETIME_SECONDS, token_type: "Application Access Token" }, NO_STORE);
}

/**
 * [UNCONFIRMED] RFC 7009-style app revocation: a refresh token revokes its whole grant (RevokedByApp, and an
 * AUTHORIZATION_REVOCATION notification), an access token only itself (the authorization stays, so no notification);
 * unknown tokens still answer 200 with an empty body, as RFC 7009 requires.
 */
export function handleRevokeRequest(context: EmulatorContext, request: IncomingMessage, response: ServerResponse, body: string): void {
  const app = authenticateClient(context, header(request, "authorization"));
  if (!app) {
    sendJson(response, 401, OAUTH_INVALID_CLIENT, NO_STORE);
    return;
  }
  const form = new URLSearchParams(body);
  const token = form.get("token");
  if (!token) {
    sendJson(response, 400, OAUTH_INVALID_REQUEST, NO_STORE);
    return;
  }
  const revocation = { revokedAtMs: context.clock.nowMs(), reason: "REVOKED_BY_APP" as const };
  const grant = context.state.grantsByRefreshToken.get(token);
  if (grant && grant.clientId === app.clientId) revokeGrant(context, grant, revocation);
  const accessToken = context.state.accessTokens.get(token);
  if (accessToken && accessToken.clientId === app.clientId && !accessToken.revocation) accessToken.revocation = revocation;
  context.state.changed();
  sendEmpty(response, 200, NO_STORE);
}
