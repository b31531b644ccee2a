import "server-only";
// The one wrapper every /api/v1 route handler goes through: API key (Authorization: Bearer) -> per-key rate limit ->
// scope -> zod validation of path, query and body -> the lib function -> JSON. Failures are RFC 9457 problems; an
// unexpected error is logged with an id and answered with that id only. Every answer to a known key carries the
// RateLimit headers (draft-ietf-httpapi-ratelimit-headers: RateLimit-Policy and RateLimit, plus the older
// RateLimit-Limit / -Remaining / -Reset trio that many clients read).
import { containsNulCharacter } from "@/lib/http/nul-characters";
import { z } from "zod";
import { db } from "@/lib/db";
import { now } from "@/lib/clock";
import { hitBucket, type RateLimitRule } from "@/lib/auth/rate-limit";
import { apiKeyLabel, authenticateApiKey, type AuthenticatedKey } from "@/lib/api-keys/api-keys";
import type { ApiKeyScope } from "@/lib/api-keys/scopes";
import { logUnexpectedError } from "@/lib/actions/log-unexpected-error";
import { UserFacingError } from "@/lib/actions/user-facing-error";
import { ApiProblem, invalidRequest, problemResponse } from "@/lib/api/problem";
import { warningConfigFromEnv } from "@/lib/upkeep/upkeep-config";

export type ApiActor = { userId: null; label: string };

export function apiRateLimit(env: Record<string, string | undefined> = process.env): RateLimitRule {
  const limit = Number(env.API_RATE_LIMIT_PER_MINUTE ?? 120);
  return { limit: Number.isInteger(limit) && limit > 0 ? limit : 120, windowMs: 60_000 };
}

type Schema = z.ZodType;
const EMPTY = z.object({}).strict();

export type ApiContext<P extends Schema, Q extends Schema, B extends Schema> = {
  key: AuthenticatedKey;
  actor: ApiActor;
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  appUrl: string;
  request: Request;
};

export type ApiReply = { status?: number; body: unknown; headers?: Record<string, string> };

export function apiRoute<P extends Schema = typeof EMPTY, Q extends Schema = typeof EMPTY, B extends Schema = typeof EMPTY>(
  spec: { scope: ApiKeyScope; params?: P; query?: Q; body?: B; name: string },
  handler: (context: ApiContext<P, Q, B>) => Promise<ApiReply>,
): (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response> {
  return async (request, routeContext) => {
    const appUrl = warningConfigFromEnv().appUrl;
    const instance = new URL(request.url).pathname;
    let rateHeaders: Record<string, string> = {};
    try {
      const authenticated = await authenticateApiKey(db, request.headers.get("authorization"));
      if (!authenticated.ok) {
        const detail =
          authenticated.reason === "missing"
            ? "Send the key as Authorization: Bearer <key>."
            : authenticated.reason === "revoked"
              ? "This API key was revoked."
              : authenticated.reason === "expired"
                ? "This API key has expired."
                : "This is not a valid API key.";
        return problemResponse(appUrl, new ApiProblem("unauthorized", detail), instance, { "www-authenticate": 'Bearer realm="ChannelKeys API"' });
      }
      const key = authenticated.key;
      const rule = apiRateLimit();
      const hit = await hitBucket(db, `api:key:${key.id}`, rule);
      const resetSeconds = Math.max(0, Math.ceil((hit.windowStart.getTime() + rule.windowMs - now().getTime()) / 1000));
      const remaining = Math.max(0, rule.limit - hit.count);
      rateHeaders = {
        "ratelimit-policy": `"per-key";q=${rule.limit};w=${rule.windowMs / 1000}`,
        ratelimit: `"per-key";r=${remaining};t=${resetSeconds}`,
        "ratelimit-limit": String(rule.limit),
        "ratelimit-remaining": String(remaining),
        "ratelimit-reset": String(resetSeconds),
      };
      if (hit.count > rule.limit) {
        return problemResponse(
          appUrl,
          new ApiProblem("rate_limited", `This key may make ${rule.limit} requests a minute. Try again in ${resetSeconds} seconds.`),
          instance,
          { ...rateHeaders, "retry-after": String(Math.max(1, resetSeconds)) },
        );
      }
      if (!key.scopes.includes(spec.scope)) {
        throw new ApiProblem("forbidden", `This request needs the ${spec.scope} scope; the key has ${key.scopes.join(", ")}.`);
      }
      // Routes without dynamic segments get no params at all.
      const rawParams = (await routeContext?.params) ?? {};
      const params = await (spec.params ?? EMPTY).safeParseAsync(rawParams);
      if (!params.success) throw new ApiProblem("not_found", "No such resource.");
      const url = new URL(request.url);
      const queryInput = Object.fromEntries(url.searchParams.entries());
      if (containsNulCharacter(queryInput)) throw new ApiProblem("invalid_request", "The query holds a NUL character.");
      const query = await (spec.query ?? z.object({}).strip()).safeParseAsync(queryInput);
      if (!query.success) throw invalidRequest(query.error, "query");
      let body: z.ZodSafeParseResult<unknown> = { success: true, data: {} };
      if (spec.body) {
        let json: unknown;
        try {
          const text = await request.text();
          json = text.trim() === "" ? {} : JSON.parse(text);
        } catch {
          throw new ApiProblem("invalid_request", "The body is not JSON.");
        }
        if (containsNulCharacter(json)) throw new ApiProblem("invalid_request", "The body holds a NUL character.");
        body = await spec.body.safeParseAsync(json);
        if (!body.success) throw invalidRequest(body.error, "body");
      }
      const reply = await handler({
        key,
        actor: { userId: null, label: apiKeyLabel(key) },
        params: params.data as z.output<P>,
        query: query.data as z.output<Q>,
        body: body.data as z.output<B>,
        appUrl,
        request,
      });
      return new Response(JSON.stringify(reply.body), {
        status: reply.status ?? 200,
        headers: { "content-type": "application/json", "cache-control": "no-store", ...rateHeaders, ...reply.headers },
      });
    } catch (error) {
      if (error instanceof ApiProblem) return problemResponse(appUrl, error, instance, rateHeaders);
      if (error instanceof UserFacingError) {
        const kind = error.code === "not_found" ? "not_found" : error.code === "rate_limited" ? "rate_limited" : "conflict";
        return problemResponse(appUrl, new ApiProblem(kind, error.message), instance, rateHeaders);
      }
      const errorId = logUnexpectedError(`API ${spec.name}`, error);
      return problemResponse(appUrl, new ApiProblem("internal", `Something went wrong on our side (error id ${errorId}).`), instance, rateHeaders);
    }
  };
}
