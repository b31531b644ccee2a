import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDatabase } from "@/test/support/test-database";

// Sign-in and sign-up behind a real HTTP server, as `next start` serves them: the socket address is captured
// the way instrumentation.ts installs it, X-Forwarded-For is filled in only when absent (what Next.js does),
// and the request's headers reach next-auth's authorize and the sign-up action. The per-IP limits and the
// audit lines run for real against a PostgreSQL database. Only Next.js's own edges are replaced: who is signed in
// (nobody) and where headers() reads from.
const requestState = vi.hoisted(() => ({ headers: new Headers() }));

vi.mock("next-auth", async (importOriginal) =>
  (await import("@/test/support/next-auth-session")).withSignedInUser(await importOriginal(), () => null),
);
vi.mock("next/headers", () => ({
  headers: async () => requestState.headers,
  cookies: async () => ({ get: () => undefined, getAll: () => [] }),
}));

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let server: http.Server;
let baseUrl: string;
const USER = { name: "Sam Seller", email: "sam@example.com", password: "right-password-123" };

async function readJson(request: http.IncomingMessage): Promise<Record<string, string>> {
  let text = "";
  for await (const chunk of request) text += chunk;
  return JSON.parse(text) as Record<string, string>;
}

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  const { installSocketAddressCapture } = await import("@/lib/auth/socket-address");
  const { authorizeEmailAndPassword } = await import("@/lib/auth/options");
  const { signUpAction } = await import("@/app/(auth)/sign-up/actions");
  const { registerUser } = await import("@/lib/auth/sign-up");
  const registered = await registerUser(USER, { client: database.db });
  if (!registered.ok) throw new Error(registered.error);

  installSocketAddressCapture();
  server = http.createServer(async (request, response) => {
    // next/dist/server/base-server.js: `req.headers['x-forwarded-for'] ??= socket.remoteAddress`.
    request.headers["x-forwarded-for"] ??= request.socket.remoteAddress;
    const body = await readJson(request);
    let answer: { ok: boolean; error?: string };
    if (request.url === "/sign-in") {
      answer = await authorizeEmailAndPassword(body, { headers: request.headers }).then(
        () => ({ ok: true }),
        (error: Error) => ({ ok: false, error: error.message }),
      );
    } else {
      requestState.headers = new Headers(
        Object.entries(request.headers).map(([name, value]): [string, string] => [name, String(value)]),
      );
      answer = await signUpAction({ name: body.name, email: body.email, password: body.password });
    }
    response.setHeader("content-type", "application/json").end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await database?.cleanup();
});

beforeEach(async () => {
  await database.db.rateLimitBucket.deleteMany();
  await database.db.auditEvent.deleteMany();
  delete process.env.TRUSTED_PROXY_HOPS;
  delete process.env.TRUSTED_PROXIES;
});

async function post(path: "/sign-in" | "/sign-up", body: Record<string, string>, forwardedFor?: string) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) },
    body: JSON.stringify(body),
  });
  return (await response.json()) as { ok: boolean; error?: string };
}

async function ipBucketKeys(prefix: string): Promise<string[]> {
  const buckets = await database.db.rateLimitBucket.findMany({ where: { key: { startsWith: prefix } } });
  return buckets.map((bucket) => `${bucket.key} x${bucket.count}`).sort();
}

describe("a forged X-Forwarded-For, served directly", () => {
  it("does not move sign-in attempts to another per-IP bucket, so the limit still holds", async () => {
    // 20 failed attempts per IP in 15 minutes, each with a new forged address (and a new email, so the
    // per-email limit stays out of it).
    for (let attempt = 1; attempt <= 20; attempt += 1) {
      const answer = await post("/sign-in", { email: `nobody${attempt}@example.com`, password: "guess" }, `203.0.113.${attempt}`);
      expect(answer.ok).toBe(false);
    }
    expect(await ipBucketKeys("sign-in:ip:")).toEqual(["sign-in:ip:127.0.0.1 x20"]);

    const next = await post("/sign-in", { email: USER.email, password: USER.password }, "198.51.100.99");
    expect(next).toEqual({ ok: false, error: expect.stringMatching(/too many/i) });
    const lockout = await database.db.auditEvent.findFirst({ where: { action: "sign_in_failed", outcome: "refused" } });
    expect(lockout?.detail).toContain("from 127.0.0.1");
    expect(JSON.stringify(await database.db.auditEvent.findMany())).not.toMatch(/203\.0\.113|198\.51\.100/);
  });

  it("does not move sign-ups to another per-IP bucket, and never writes the forged text in the history", async () => {
    const answer = await post(
      "/sign-up",
      { name: "Pat", email: "pat@example.com", password: "a-long-enough-password" },
      "<img src=x onerror=alert(1)>, 203.0.113.7",
    );
    expect(answer).toMatchObject({ ok: true });
    expect(await ipBucketKeys("sign-up:ip:")).toEqual(["sign-up:ip:127.0.0.1 x1"]);
    const signUp = await database.db.auditEvent.findFirst({ where: { action: "sign_up" } });
    expect(signUp?.detail).toBe("Account and workspace created (from 127.0.0.1).");
  });
});

describe("behind a trusted proxy", () => {
  it("TRUSTED_PROXY_HOPS=1 keys on the address the proxy appended, not on what the client put before it", async () => {
    process.env.TRUSTED_PROXY_HOPS = "1";
    await post("/sign-in", { email: "nobody@example.com", password: "guess" }, "6.6.6.6, 198.51.100.7");
    await post("/sign-in", { email: "nobody@example.com", password: "guess" }, "7.7.7.7, 198.51.100.7");
    expect(await ipBucketKeys("sign-in:ip:")).toEqual(["sign-in:ip:198.51.100.7 x2"]);
  });

  it("TRUSTED_PROXIES believes the header only from a listed proxy", async () => {
    process.env.TRUSTED_PROXIES = "10.0.0.0/8";
    await post("/sign-in", { email: "nobody@example.com", password: "guess" }, "198.51.100.7");
    expect(await ipBucketKeys("sign-in:ip:")).toEqual(["sign-in:ip:127.0.0.1 x1"]);

    process.env.TRUSTED_PROXIES = "127.0.0.1, 10.0.0.0/8";
    await post("/sign-in", { email: "nobody@example.com", password: "guess" }, "198.51.100.7, 10.2.3.4");
    expect(await ipBucketKeys("sign-in:ip:")).toEqual(["sign-in:ip:127.0.0.1 x1", "sign-in:ip:198.51.100.7 x1"]);
  });
});
