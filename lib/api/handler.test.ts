// The /api/v1 wrapper against a real PostgreSQL database: API keys (hashed, revocable, expiring, scoped), RFC 9457
// problems, the per-key rate limit with its RateLimit headers, and zod validation, through a real route handler.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/test/support/test-database";
import { setClockOffsetSeconds } from "@/lib/clock";
import type { Db } from "@/lib/db";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
let workspaceId: string;
let routes: typeof import("@/lib/api/v1");
let handler: typeof import("@/lib/api/handler");
let keys: typeof import("@/lib/api-keys/api-keys");
let schemas: typeof import("@/lib/api/schemas");
const actor = { userId: null, label: "owner@example.test" };

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  // The route handlers use the shared client: point it at this test's database before its first query.
  process.env.DATABASE_URL = database.url;
  process.env.API_RATE_LIMIT_PER_MINUTE = "5";
  routes = await import("@/lib/api/v1");
  handler = await import("@/lib/api/handler");
  keys = await import("@/lib/api-keys/api-keys");
  schemas = await import("@/lib/api/schemas");
  workspaceId = (await db.workspace.create({ data: { name: "API Inc" } })).id;
});
afterAll(async () => {
  setClockOffsetSeconds(0);
  const { db: shared } = await import("@/lib/db");
  await shared.$disconnect();
  await database?.cleanup();
});

function listRoute() {
  return handler.apiRoute({ name: "listAccounts", scope: "accounts:read", query: schemas.listAccountsQuery }, ({ key, query }) => routes.listAccountsV1(key.workspaceId, query));
}

const get = (route: ReturnType<typeof listRoute>, key: string | null, query = "") =>
  route(new Request(`http://localhost/api/v1/accounts${query}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }), { params: Promise.resolve({}) });

describe("API keys", () => {
  it("are stored as a hash and a prefix, and open nothing once revoked or expired", async () => {
    const { key, prefix, id } = await keys.createApiKey(db, { workspaceId, name: "k", scopes: ["accounts:read"], expiresInDays: 30, actor });
    expect(key.startsWith(`${prefix}_`)).toBe(true);
    const [row] = await database.query<{ keyHash: string; prefix: string }>(`SELECT "keyHash", "prefix" FROM "ApiKey" WHERE id = $1`, [id]);
    expect(row!.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(key.slice(prefix.length));
    expect(await keys.authenticateApiKey(db, `Bearer ${key}`)).toMatchObject({ ok: true, key: { id, workspaceId, scopes: ["accounts:read"] } });
    expect(await keys.authenticateApiKey(db, `Bearer ${key.slice(0, -1)}x`)).toEqual({ ok: false, reason: "unknown" });
    expect(await keys.authenticateApiKey(db, "Basic abc")).toEqual({ ok: false, reason: "malformed" });
    expect(await keys.authenticateApiKey(db, null)).toEqual({ ok: false, reason: "missing" });
    expect((await db.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt).not.toBeNull();
    setClockOffsetSeconds(31 * 86_400);
    try {
      expect(await keys.authenticateApiKey(db, `Bearer ${key}`)).toEqual({ ok: false, reason: "expired" });
    } finally {
      setClockOffsetSeconds(0);
    }
    expect(await keys.revokeApiKey(db, { workspaceId: "another", apiKeyId: id, actor })).toBe(false);
    expect(await keys.revokeApiKey(db, { workspaceId, apiKeyId: id, actor })).toBe(true);
    expect(await keys.authenticateApiKey(db, `Bearer ${key}`)).toEqual({ ok: false, reason: "revoked" });
    expect(await db.auditEvent.count({ where: { workspaceId, action: { in: ["api_key_create", "api_key_revoke"] } } })).toBe(2);
  });
});

describe("apiRoute", () => {
  it("answers problems for no key and a missing scope, validates the query, and limits each key", async () => {
    const route = listRoute();
    const none = await get(route, null);
    expect(none.status).toBe(401);
    expect(none.headers.get("content-type")).toBe("application/problem+json");
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect(await none.json()).toMatchObject({ status: 401, title: "Missing or invalid API key", instance: "/api/v1/accounts" });

    const writer = await keys.createApiKey(db, { workspaceId, name: "w", scopes: ["accounts:write"], expiresInDays: null, actor });
    const forbidden = await get(route, writer.key);
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).detail).toContain("accounts:read");

    const reader = await keys.createApiKey(db, { workspaceId, name: "r", scopes: ["accounts:read"], expiresInDays: null, actor });
    const ok = await get(route, reader.key);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: [], nextCursor: null });
    expect(ok.headers.get("ratelimit-policy")).toBe('"per-key";q=5;w=60');
    expect(ok.headers.get("ratelimit")).toMatch(/^"per-key";r=4;t=\d+$/);
    const invalid = await get(route, reader.key, "?limit=0");
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).errors).toEqual([{ path: "query.limit", message: expect.any(String) }]);
    const badCursor = await get(route, reader.key, "?cursor=nonsense");
    expect(badCursor.status).toBe(400);
    // Five requests a minute: the fifth passes with nothing left, the sixth is refused.
    expect((await get(route, reader.key)).headers.get("ratelimit")).toMatch(/^"per-key";r=1;t=\d+$/);
    expect((await get(route, reader.key)).headers.get("ratelimit")).toMatch(/^"per-key";r=0;t=\d+$/);
    const limited = await get(route, reader.key);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(limited.headers.get("ratelimit")).toMatch(/^"per-key";r=0;t=\d+$/);
    expect(await limited.json()).toMatchObject({ status: 429, title: "Too many requests" });
    // Another key has a limit of its own.
    const other = await keys.createApiKey(db, { workspaceId, name: "o", scopes: ["accounts:read"], expiresInDays: null, actor });
    expect((await get(route, other.key)).status).toBe(200);
  });
});
