// RFC 9457 problem details: every /api/v1 error is application/problem+json with a type URI naming the problem.
import type { z } from "zod";

export type ProblemKind =
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "invalid_request"
  | "rate_limited"
  | "needs_reauth"
  | "account_disconnected"
  | "ebay_unavailable"
  | "conflict"
  | "internal";

const TITLES: Record<ProblemKind, string> = {
  unauthorized: "Missing or invalid API key",
  forbidden: "The API key lacks a scope",
  not_found: "Not found",
  invalid_request: "The request is not valid",
  rate_limited: "Too many requests",
  needs_reauth: "The account needs re-authorization",
  account_disconnected: "The account is disconnected",
  ebay_unavailable: "eBay is unavailable",
  conflict: "Conflict",
  internal: "Internal error",
};

export const PROBLEM_STATUS: Record<ProblemKind, number> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  invalid_request: 400,
  rate_limited: 429,
  needs_reauth: 409,
  account_disconnected: 409,
  ebay_unavailable: 503,
  conflict: 409,
  internal: 500,
};

export class ApiProblem extends Error {
  override name = "ApiProblem";
  constructor(
    readonly kind: ProblemKind,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? TITLES[kind]);
  }
}

export function problemTypeUri(appUrl: string, kind: ProblemKind): string {
  return `${appUrl}/settings/api#problem-${kind}`;
}

export function problemResponse(appUrl: string, problem: ApiProblem, instance: string, headers: Record<string, string> = {}): Response {
  const body = {
    type: problemTypeUri(appUrl, problem.kind),
    title: TITLES[problem.kind],
    status: PROBLEM_STATUS[problem.kind],
    ...(problem.detail ? { detail: problem.detail } : {}),
    instance,
    ...problem.extra,
  };
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...headers, ...problem.headers },
  });
}

export function invalidRequest(error: z.ZodError, where: "body" | "query" | "path"): ApiProblem {
  return new ApiProblem("invalid_request", `The ${where} does not match the API's schema.`, {
    errors: error.issues.map((issue) => ({ path: [where, ...issue.path.map(String)].join("."), message: issue.message })),
  });
}

export const PROBLEM_KINDS = Object.keys(TITLES) as ProblemKind[];
export { TITLES as PROBLEM_TITLES };
