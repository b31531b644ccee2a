// GET /api/v1/openapi.json: an OpenAPI 3.1 document generated from the zod schemas that validate the requests
// (lib/api/schemas.ts) with zod's own z.toJSONSchema, so the reference cannot say something the server does not do.
import { z } from "zod";
import {
  accessTokenSchema,
  accountIdParams,
  accountListSchema,
  accountSchema,
  checkRunSchema,
  createCheckRunBody,
  importBody,
  importResultSchema,
  listAccountsQuery,
  problemSchema,
  testResultSchema,
} from "@/lib/api/schemas";
import { API_KEY_SCOPES, API_KEY_SCOPE_LABELS, type ApiKeyScope } from "@/lib/api-keys/scopes";
import { PROBLEM_KINDS, PROBLEM_STATUS, PROBLEM_TITLES } from "@/lib/api/problem";

type JsonSchema = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const converted = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any", reused: "inline" }) as JsonSchema;
  delete converted.$schema;
  return converted;
}

/** Every response schema named with .meta({ id }) in lib/api/schemas.ts, as components referring to each other. */
function components(): Record<string, JsonSchema> {
  // Referenced so the schemas module (and its registrations) is loaded before the registry is read.
  void [accountSchema, accountListSchema, testResultSchema, accessTokenSchema, checkRunSchema, importResultSchema, problemSchema];
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    target: "draft-2020-12",
    io: "output",
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.id;
  }
  return schemas;
}

function parameters(schema: z.ZodObject, where: "path" | "query") {
  const converted = jsonSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(converted.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === "path" || (converted.required ?? []).includes(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: rest,
    };
  });
}

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ref("Problem") } } });

function operation(input: {
  summary: string;
  description: string;
  scope: ApiKeyScope;
  path?: boolean;
  query?: z.ZodObject;
  body?: z.ZodType;
  ok: { status: number; description: string; schema: string };
  extraProblems?: Record<number, string>;
  operationId: string;
}) {
  return {
    operationId: input.operationId,
    summary: input.summary,
    description: `${input.description}\n\nScope: \`${input.scope}\`.`,
    security: [{ apiKey: [input.scope] }],
    parameters: [...(input.path ? parameters(accountIdParams, "path") : []), ...(input.query ? parameters(input.query, "query") : [])],
    ...(input.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(input.body, "input") } } } } : {}),
    responses: {
      [String(input.ok.status)]: {
        description: input.ok.description,
        headers: { RateLimit: { $ref: "#/components/headers/RateLimit" }, "RateLimit-Policy": { $ref: "#/components/headers/RateLimitPolicy" } },
        content: { "application/json": { schema: ref(input.ok.schema) } },
      },
      "400": problem("The request does not match the schema (errors lists each field)."),
      "401": problem("No key, or a key that is unknown, revoked or expired."),
      "403": problem("The key lacks the scope this operation needs."),
      ...(input.path ? { "404": problem("No such id in the key's workspace (another workspace's ids answer the same).") } : {}),
      "429": problem("The key's rate limit: wait for Retry-After seconds."),
      ...Object.fromEntries(Object.entries(input.extraProblems ?? {}).map(([status, description]) => [status, problem(description)])),
    },
  };
}

export function buildOpenApiDocument(appUrl: string) {
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "ChannelKeys API",
      version: "1.0.0",
      description:
        "Read your workspace's eBay accounts, test them, get fresh access tokens, run bulk checks and import refresh tokens. " +
        "Authenticate with a workspace API key (Settings > API keys) as `Authorization: Bearer <key>`. Errors are RFC 9457 " +
        "problem details (`application/problem+json`); every response to a known key carries RateLimit headers.",
    },
    servers: [{ url: `${appUrl}/api/v1` }],
    components: {
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: `A workspace API key. Scopes: ${API_KEY_SCOPES.map((scope) => `\`${scope}\` (${API_KEY_SCOPE_LABELS[scope]})`).join(", ")}.`,
        },
      },
      headers: {
        RateLimit: { description: 'Remaining requests and seconds until the window resets: `"per-key";r=<remaining>;t=<seconds>`.', schema: { type: "string" } },
        RateLimitPolicy: { description: 'The quota: `"per-key";q=<requests>;w=<window seconds>`.', schema: { type: "string" } },
      },
      schemas: components(),
    },
    paths: {
      "/accounts": {
        get: operation({
          operationId: "listAccounts",
          summary: "List accounts",
          description: "The workspace's eBay accounts, oldest id first, 50 a page by default. Pass nextCursor as cursor for the next page.",
          scope: "accounts:read",
          query: listAccountsQuery,
          ok: { status: 200, description: "A page of accounts.", schema: "AccountList" },
        }),
      },
      "/accounts/{id}": {
        get: operation({ operationId: "getAccount", summary: "Get an account", description: "One account.", scope: "accounts:read", path: true, ok: { status: 200, description: "The account.", schema: "Account" } }),
      },
      "/accounts/{id}/test": {
        post: operation({
          operationId: "testAccount",
          summary: "Test an account",
          description: "The dashboard's Test: refreshes when needed, validates the token at eBay and records the verdict. Within the per-account test limit the last result answers (reused: true).",
          scope: "accounts:write",
          path: true,
          ok: { status: 200, description: "The verdict.", schema: "TestResult" },
          extraProblems: { 409: "The account is disconnected." },
        }),
      },
      "/accounts/{id}/access-token": {
        post: operation({
          operationId: "getAccessToken",
          summary: "Get an access token",
          description:
            "An eBay access token with at least 5 minutes left, refreshed when needed (once for any number of simultaneous callers). Each issuance is recorded in the audit history, never the token.",
          scope: "tokens:read",
          path: true,
          ok: { status: 200, description: "The token.", schema: "AccessToken" },
          extraProblems: { 409: "The account needs re-authorization (cause, and fixUrl: the page that fixes it) or is disconnected.", 503: "eBay is unavailable; try again after Retry-After." },
        }),
      },
      "/accounts/import": {
        post: operation({
          operationId: "importAccounts",
          summary: "Import refresh tokens",
          description: "Refresh tokens from another tool. Each is validated at eBay (refresh, then getUser) before it is saved, so the account carries its real eBay identity; an account already connected gets the new token.",
          scope: "accounts:write",
          body: importBody,
          ok: { status: 200, description: "One result per token, in order.", schema: "ImportResult" },
        }),
      },
      "/check-runs": {
        post: operation({
          operationId: "createCheckRun",
          summary: "Start a bulk check",
          description: "Checks the given accounts, or every connected account matching status and tag. Answers at once; poll the run.",
          scope: "accounts:write",
          body: createCheckRunBody,
          ok: { status: 202, description: "The run, queued.", schema: "CheckRun" },
        }),
      },
      "/check-runs/{id}": {
        get: operation({ operationId: "getCheckRun", summary: "Get a check run", description: "A run's progress and results.", scope: "accounts:read", path: true, ok: { status: 200, description: "The run.", schema: "CheckRun" } }),
      },
    },
    "x-problem-types": PROBLEM_KINDS.map((kind) => ({ type: `${appUrl}/settings/api#problem-${kind}`, title: PROBLEM_TITLES[kind], status: PROBLEM_STATUS[kind] })),
  };
}
