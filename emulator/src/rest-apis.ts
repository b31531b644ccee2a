// The REST APIs a token keeper calls: Commerce Identity getUser and Developer Analytics rate_limit (the app's quotas)
// and user_rate_limit (one seller's share of them).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SellerConfig } from "./config";
import type { EmulatorContext } from "./context";
import { REST_ACCESS_DENIED, REST_INVALID_ACCESS_TOKEN, restErrors } from "./ebay-errors";
import { header, sendJson } from "./http";
import { sendQuotaExceeded } from "./oauth-token";
import { IDENTITY_SCOPE, PUBLIC_SCOPE } from "./scopes";
import type { AccessTokenRecord, QuotaBucket } from "./state";

export type BearerResult = { ok: true; token: AccessTokenRecord } | { ok: false };

/** A usable bearer token: known, not expired, not revoked (directly or through its grant). */
export function resolveBearer(context: EmulatorContext, request: IncomingMessage): BearerResult {
  const authorization = header(request, "authorization");
  const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  const record = match ? context.state.accessTokens.get(match[1]!) : undefined;
  if (!record || context.clock.nowMs() >= record.expiresAtMs || context.state.accessTokenRevocation(record)) return { ok: false };
  return { ok: true, token: record };
}

/** Which kind of access token a method accepts: eBay refuses the other kind with 403 errorId 1100. */
type TokenKind = "user" | "application";

function authorize(
  context: EmulatorContext,
  request: IncomingMessage,
  response: ServerResponse,
  bucket: QuotaBucket,
  needs: { tokenKind: TokenKind; scope?: string },
): { token: AccessTokenRecord; seller?: SellerConfig } | undefined {
  const bearer = resolveBearer(context, request);
  if (!bearer.ok) {
    sendJson(response, 401, restErrors(REST_INVALID_ACCESS_TOKEN));
    return undefined;
  }
  const { token } = bearer;
  if (!context.state.consumeQuota(token.clientId, bucket, token.userId)) {
    sendQuotaExceeded(context, response);
    return undefined;
  }
  const seller = token.userId ? context.state.sellersById.get(token.userId) : undefined;
  const rightKind = needs.tokenKind === "user" ? token.kind === "user" && seller !== undefined : token.kind === "application";
  if (!rightKind || (needs.scope && !token.scopes.includes(needs.scope))) {
    sendJson(response, 403, restErrors(REST_ACCESS_DENIED));
    return undefined;
  }
  return { token, seller };
}

const NAME_SCOPE = "https://api.ebay.com/oauth/api_scope/commerce.identity.name.readonly";
const EMAIL_SCOPE = "https://api.ebay.com/oauth/api_scope/commerce.identity.email.readonly";

export function handleGetUser(context: EmulatorContext, request: IncomingMessage, response: ServerResponse): void {
  const authorized = authorize(context, request, response, "Identity", { tokenKind: "user", scope: IDENTITY_SCOPE });
  if (!authorized?.seller) return;
  const { seller, token } = authorized;
  const body: Record<string, unknown> = {
    userId: seller.userId,
    username: seller.username,
    accountType: seller.accountType,
    registrationMarketplaceId: seller.registrationMarketplaceId,
    status: seller.status,
  };
  // eBay adds the account details only for the extra identity scopes.
  const withName = token.scopes.includes(NAME_SCOPE);
  const withEmail = token.scopes.includes(EMAIL_SCOPE);
  if (withName || withEmail) {
    if (seller.accountType === "BUSINESS") {
      body.businessAccount = {
        ...(withName ? { name: seller.businessName, primaryContact: { firstName: seller.firstName, lastName: seller.lastName } } : {}),
        ...(withEmail ? { email: seller.email } : {}),
      };
    } else {
      body.individualAccount = {
        ...(withName ? { firstName: seller.firstName, lastName: seller.lastName } : {}),
        ...(withEmail ? { email: seller.email } : {}),
      };
    }
  }
  sendJson(response, 200, body);
}

interface RateLimitedApi {
  apiContext: string;
  apiName: string;
  apiVersion: string;
  resources: Array<{ name: string; bucket: QuotaBucket }>;
}

/** The per-app daily quotas the emulator enforces (429 / Trading 518 when used up), as Developer Analytics names them. */
const PER_API_QUOTAS: RateLimitedApi[] = [
  { apiContext: "tradingapi", apiName: "TradingAPI", apiVersion: "v1", resources: [{ name: "TradingAPI", bucket: "TradingAPI" }] },
  { apiContext: "commerce", apiName: "identity", apiVersion: "v1", resources: [{ name: "commerce.identity.user", bucket: "Identity" }] },
  { apiContext: "developer", apiName: "analytics", apiVersion: "v1_beta", resources: [{ name: "developer.analytics", bucket: "DeveloperAnalytics" }] },
  { apiContext: "commerce", apiName: "notification", apiVersion: "v1", resources: [{ name: "commerce.notification", bucket: "Notification" }] },
];

/**
 * [UNCONFIRMED] naming: the token endpoint's per-grant-type quotas are app-wide only (a grant has no user to charge
 * before it succeeds), so only rate_limit reports them.
 */
const TOKEN_ENDPOINT_QUOTAS: RateLimitedApi = {
  apiContext: "identity",
  apiName: "oauth2",
  apiVersion: "v1",
  resources: [
    { name: "authorization_code", bucket: "authorization_code" },
    { name: "refresh_token", bucket: "refresh_token" },
    { name: "client_credentials", bucket: "client_credentials" },
  ],
};

/** The rateLimits body both Developer Analytics methods share; `countFor` says whose calls `count` shows. */
function rateLimitsBody(
  context: EmulatorContext,
  apis: RateLimitedApi[],
  clientId: string,
  query: URLSearchParams,
  countFor: (bucket: QuotaBucket) => number,
) {
  const apiContext = query.get("api_context")?.toLowerCase();
  const apiName = query.get("api_name")?.toLowerCase();
  const reset = new Date(context.clock.nextMidnightMs()).toISOString();
  const rateLimits = apis
    .filter((api) => (!apiContext || api.apiContext === apiContext) && (!apiName || api.apiName.toLowerCase() === apiName))
    .map((api) => ({
      apiContext: api.apiContext,
      apiName: api.apiName,
      apiVersion: api.apiVersion,
      resources: api.resources.map((resource) => {
        const limit = context.state.quotaLimit(resource.bucket);
        return {
          name: resource.name,
          rates: [
            {
              count: countFor(resource.bucket),
              limit,
              // What the app has left is what decides the next 429 / 518, for a user as for the app.
              remaining: Math.max(0, limit - context.state.quotaUsed(clientId, resource.bucket)),
              reset,
              timeWindow: 86_400,
            },
          ],
        };
      }),
    }));
  return { rateLimits };
}

/**
 * GET /developer/analytics/v1_beta/rate_limit/ (getRateLimits): the app's daily quotas, with an application token.
 * `count` is the app's calls today (this call included), `remaining` what is left before the emulator refuses.
 */
export function handleRateLimit(context: EmulatorContext, request: IncomingMessage, response: ServerResponse, query: URLSearchParams): void {
  const authorized = authorize(context, request, response, "DeveloperAnalytics", { tokenKind: "application", scope: PUBLIC_SCOPE });
  if (!authorized) return;
  const { clientId } = authorized.token;
  sendJson(
    response,
    200,
    rateLimitsBody(context, [...PER_API_QUOTAS, TOKEN_ENDPOINT_QUOTAS], clientId, query, (bucket) => context.state.quotaUsed(clientId, bucket)),
  );
}

/**
 * [UNCONFIRMED] user_rate_limit: `count` is this user's calls today with this app; `remaining` is what is left of
 * the app's daily quota (the limit the emulator enforces); `reset` is the next virtual midnight UTC.
 */
export function handleUserRateLimit(context: EmulatorContext, request: IncomingMessage, response: ServerResponse, query: URLSearchParams): void {
  const authorized = authorize(context, request, response, "DeveloperAnalytics", { tokenKind: "user" });
  if (!authorized?.seller) return;
  const { token } = authorized;
  sendJson(response, 200, rateLimitsBody(context, PER_API_QUOTAS, token.clientId, query, (bucket) => context.state.quotaUsed(token.clientId, bucket, token.userId)));
}
