import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/test/support/test-database";
import { authenticateWithPassword, INVALID_CREDENTIALS_MESSAGE } from "@/lib/auth/credentials";
import { registerUser } from "@/lib/auth/sign-up";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let workspaceId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const created = await registerUser(
    { name: "Sam Seller", email: "sam@example.com", password: "right-password" },
    { client: database.db },
  );
  if (!created.ok) throw new Error(created.error);
  workspaceId = created.workspace.id;
});
afterAll(async () => {
  await database?.cleanup();
});
beforeEach(async () => {
  await database.db.rateLimitBucket.deleteMany();
  await database.db.auditEvent.deleteMany();
});

const at = new Date("2026-03-01T10:00:00.000Z");
const signIn = (email: string, password: string, ip = "192.0.2.20") =>
  authenticateWithPassword({ email, password, ip }, { client: database.db, at });

describe("email and password sign-in", () => {
  it("signs in with the right password (any email case) and records it", async () => {
    const result = await signIn("SAM@example.com", "right-password");
    expect(result).toMatchObject({ ok: true, user: { email: "sam@example.com", name: "Sam Seller" } });
    const events = await database.db.auditEvent.findMany({ where: { workspaceId } });
    expect(events.map((event) => [event.action, event.outcome])).toEqual([["sign_in", "success"]]);
    expect(events[0]?.detail).toContain("192.0.2.20");
  });

  it("refuses a wrong password with a message that does not say which part was wrong, and records it", async () => {
    expect(await signIn("sam@example.com", "wrong-password")).toEqual({
      ok: false,
      code: "invalid_credentials",
      message: INVALID_CREDENTIALS_MESSAGE,
    });
    const events = await database.db.auditEvent.findMany({ where: { workspaceId } });
    expect(events.map((event) => [event.action, event.outcome])).toEqual([["sign_in_failed", "failure"]]);
    expect(JSON.stringify(events)).not.toContain("wrong-password");
  });

  it("answers an unknown email exactly like a wrong password", async () => {
    expect(await signIn("nobody@example.com", "whatever")).toEqual({
      ok: false,
      code: "invalid_credentials",
      message: INVALID_CREDENTIALS_MESSAGE,
    });
  });

  it("refuses an address after 5 failures for the account, even with the right password, records one refusal, and lets other addresses in", async () => {
    for (let index = 0; index < 5; index += 1) await signIn("sam@example.com", `guess-${index}`, "198.51.100.7");
    const locked = await signIn("sam@example.com", "right-password", "198.51.100.7");
    expect(locked).toEqual({
      ok: false,
      code: "rate_limited",
      message: "Too many sign-in attempts. Try again in 15 minutes.",
    });
    await signIn("sam@example.com", "right-password", "198.51.100.7");

    const refusals = await database.db.auditEvent.findMany({ where: { workspaceId, outcome: "refused" } });
    expect(refusals).toHaveLength(1);
    expect(refusals[0]?.action).toBe("sign_in_failed");
    expect(refusals[0]?.detail).toContain("from 198.51.100.7");
    expect(await signIn("sam@example.com", "right-password", "198.51.100.8")).toMatchObject({ ok: true });
  });

  it("asks for both fields when one is missing", async () => {
    expect(await signIn("", "x")).toMatchObject({ ok: false, code: "invalid_input" });
    expect(await signIn("sam@example.com", "")).toMatchObject({ ok: false, code: "invalid_input" });
  });
});
