// Developer Analytics getRateLimits: how much of the application's daily call quotas is left. eBay's quotas belong to
// the application, shared by every workspace and seller, so this is read with the application token (client
// credentials), not a seller's: bulk runs and the scheduler slow down before eBay answers 429 / Trading 518.
import { withApplicationToken } from "@/lib/ebay/application-token";
import { getEbayConfig, type EbayConfig } from "@/lib/ebay/config";
import { malformed, readRestJson, sendEbayRequest } from "@/lib/ebay/http";

export type RateLimit = {
  apiContext: string;
  apiName: string;
  apiVersion?: string;
  /** The resource (call or method group) the quota applies to, e.g. "TradingAPI" or "refresh_token". */
  resource: string;
  count?: number;
  limit: number;
  remaining: number;
  reset?: Date;
  /** Seconds the quota window lasts (86400 for daily limits). */
  timeWindow?: number;
};

export type RateLimitFilter = { apiContext?: string; apiName?: string };

export async function getRateLimits(filter: RateLimitFilter = {}, config: EbayConfig = getEbayConfig()): Promise<RateLimit[]> {
  const operation = "analytics.getRateLimits";
  const query = new URLSearchParams();
  if (filter.apiContext !== undefined) query.set("api_context", filter.apiContext);
  if (filter.apiName !== undefined) query.set("api_name", filter.apiName);
  const queryString = query.toString();
  const response = await withApplicationToken(config, (accessToken) =>
    sendEbayRequest({
      operation,
      method: "GET",
      url: `${config.apiBaseUrl}/developer/analytics/v1_beta/rate_limit/${queryString ? `?${queryString}` : ""}`,
      headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/json" },
      timeoutMs: config.timeoutMs,
    }),
  );
  const body = readRestJson(response, operation) as Record<string, unknown>;
  // eBay omits rateLimits entirely when no API matches the filter.
  if (body.rateLimits === undefined) return [];
  if (!Array.isArray(body.rateLimits)) throw malformed(operation, response.status, "rateLimits is not a list");

  const limits: RateLimit[] = [];
  for (const api of body.rateLimits as unknown[]) {
    if (!isRecord(api)) continue;
    const apiContext = typeof api.apiContext === "string" ? api.apiContext : "";
    const apiName = typeof api.apiName === "string" ? api.apiName : "";
    const apiVersion = typeof api.apiVersion === "string" ? api.apiVersion : undefined;
    for (const resource of Array.isArray(api.resources) ? (api.resources as unknown[]) : []) {
      if (!isRecord(resource) || typeof resource.name !== "string") continue;
      for (const rate of Array.isArray(resource.rates) ? (resource.rates as unknown[]) : []) {
        if (!isRecord(rate) || typeof rate.limit !== "number" || typeof rate.remaining !== "number") continue;
        const limit: RateLimit = { apiContext, apiName, resource: resource.name, limit: rate.limit, remaining: rate.remaining };
        if (apiVersion !== undefined) limit.apiVersion = apiVersion;
        if (typeof rate.count === "number") limit.count = rate.count;
        if (typeof rate.timeWindow === "number") limit.timeWindow = rate.timeWindow;
        if (typeof rate.reset === "string") {
          const reset = new Date(rate.reset);
          if (!Number.isNaN(reset.getTime())) limit.reset = reset;
        }
        limits.push(limit);
      }
    }
  }
  return limits;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
