// The REST APIs a token keeper calls: Commerce Identity getUser and Developer Analytics user_rate_limit.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SellerConfig } from "./config";
import type { EmulatorContext } from "./context";
import { REST_ACCESS_DENIED, REST_INVALID_ACCESS_TOKEN, restErrors } from "./ebay-errors";
import { header, sendJson } from "./http";
import { sendQuotaExceeded } from "./oauth-token";
import { IDENTITY_SCOPE } from "./scopes";
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

function authorize(
  context: EmulatorContext,
  request: IncomingMessage,
  response: ServerResponse,
  bucket: QuotaBucket,
  needs: { userToken: boolean; scope?: string },
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
  if ((needs.userToken && (token.kind !== "user" || !seller)) || (needs.scope && !token.scopes.includes(needs.scope))) {
    sendJson(response, 403, restErrors(REST_ACCESS_DENIED));
    return undefined;
  }
  return { token, seller };
}

const NAME_SCOPE = "https://api.ebay.com/oauth/api_scope/commerce.identity.name.readonly";
const EMAIL_SCOPE = "https://api.ebay.com/oauth/api_scope/commerce.identity.email.readonly";

export function handleGetUser(context: EmulatorContext, request: IncomingMessage, response: ServerResponse): void {
  const authorized = authorize(context, request, response, "Identity", { userToken: true, scope: IDENTITY_SCOPE });
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

const RATE_LIMITED_APIS: Array<{ apiContext: string; apiName: string; apiVersion: string; resource: string; bucket: QuotaBucket }> = [
  { apiContext: "tradingapi", apiName: "TradingAPI", apiVersion: "v1", resource: "TradingAPI", bucket: "TradingAPI" },
  { apiContext: "commerce", apiName: "identity", apiVersion: "v1", resource: "commerce.identity.user", bucket: "Identity" },
  { apiContext: "developer", apiName: "analytics", apiVersion: "v1_beta", resource: "developer.analytics", bucket: "DeveloperAnalytics" },
  { apiContext: "commerce", apiName: "notification", apiVersion: "v1", resource: "commerce.notification", bucket: "Notification" },
];

/**
 * [UNCONFIRMED] user_rate_limit: `count` is this user's calls today with this app; `remaining` is what is left of
 * the app's daily quota (the limit the emulator enforces); `reset` is the next virtual midnight UTC.
 */
export function handleUserRateLimit(context: EmulatorContext, request: IncomingMessage, response: ServerResponse, query: URLSearchParams): void {
  const authorized = authorize(context, request, response, "DeveloperAnalytics", { userToken: true });
  if (!authorized?.seller) return;
  const { token } = authorized;
  const apiContext = query.get("api_context")?.toLowerCase();
  const apiName = query.get("api_name")?.toLowerCase();
  const reset = new Date(context.clock.nextMidnightMs()).toISOString();
  const rateLimits = RATE_LIMITED_APIS.filter(
    (api) => (!apiContext || api.apiContext === apiContext) && (!apiName || api.apiName.toLowerCase() === apiName),
  ).map((api) => {
    const limit = context.state.quotaLimit(api.bucket);
    const appUsed = context.state.quotaUsed(token.clientId, api.bucket);
    return {
      apiContext: api.apiContext,
      apiName: api.apiName,
      apiVersion: api.apiVersion,
      resources: [
        {
          name: api.resource,
          rates: [
            {
              count: context.state.quotaUsed(token.clientId, api.bucket, token.userId),
              limit,
              remaining: Math.max(0, limit - appUsed),
              reset,
              timeWindow: 86_400,
            },
          ],
        },
      ],
    };
  });
  sendJson(response, 200, { rateLimits });
}
