// Security review, finding 4: anyone who knows a user's email could fail its password six times per window and keep
// the user locked out. Failures now count per email *and* client address (plus the per-address limit across
// emails), so the attacker's address is refused while the user, from their own address, still signs in. Refusals
// happen before any argon2 work, and the argon2 work in flight at once is bounded, so an anonymous flood costs a
// bounded amount of CPU. argon2 is counted, not replaced: every hash and verify still runs.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";

const argon2Calls = vi.hoisted(() => ({ running: 0, peak: 0, total: 0 }));
vi.mock("@node-rs/argon2", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@node-rs/argon2")>();
  const counted =
    <Args extends unknown[], R>(fn: (...args: Args) => Promise<R>) =>
    async (...args: Args): Promise<R> => {
      argon2Calls.total += 1;
      argon2Calls.running += 1;
      argon2Calls.peak = Math.max(argon2Calls.peak, argon2Calls.running);
      try {
        return await fn(...args);
      } finally {
        argon2Calls.running -= 1;
      }
    };
  return { ...actual, hash: counted(actual.hash), verify: counted(actual.verify) };
});

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  const { registerUser } = await import("@/lib/auth/sign-up");
  const created = await registerUser({ name: "Vic Victim", email: "victim@example.com", password: "victims-own-password" }, { client: database.db });
  if (!created.ok) throw new Error(created.error);
});
afterAll(async () => {
  await database?.cleanup();
});
beforeEach(async () => {
  await database.db.rateLimitBucket.deleteMany();
  argon2Calls.peak = 0;
  argon2Calls.total = 0;
});

async function signIn(email: string, password: string, ip: string) {
  const { authenticateWithPassword } = await import("@/lib/auth/credentials");
  return authenticateWithPassword({ email, password, ip }, { client: database.db });
}

describe("failed sign-ins against someone else's email", () => {
  it("refuse the attacker's address but never lock the user out of their own", async () => {
    for (let attempt = 0; attempt < 12; attempt += 1) await signIn("victim@example.com", `guess-${attempt}`, "203.0.113.66");
    expect(await signIn("victim@example.com", "another-guess", "203.0.113.66")).toMatchObject({ ok: false, code: "rate_limited" });
    // The same attacker with the right password is refused too: the address, not the password, is throttled.
    expect(await signIn("victim@example.com", "victims-own-password", "203.0.113.66")).toMatchObject({ ok: false, code: "rate_limited" });

    expect(await signIn("victim@example.com", "victims-own-password", "198.51.100.20")).toMatchObject({ ok: true });
  });

  it("are refused before any password hashing once the address is over its limit", async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) await signIn("victim@example.com", `guess-${attempt}`, "203.0.113.67");
    const before = argon2Calls.total;
    for (let attempt = 0; attempt < 20; attempt += 1) {
      expect(await signIn("victim@example.com", `more-${attempt}`, "203.0.113.67")).toMatchObject({ code: "rate_limited" });
    }
    expect(argon2Calls.total).toBe(before);
  });

  it("from many addresses at once keep at most a few argon2 computations running, refusing the excess without hashing", async () => {
    const { PASSWORD_WORK_LIMITS } = await import("@/lib/auth/password-work");
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, index) => signIn(`nobody-${index}@example.com`, "guess", `192.0.2.${index + 1}`)),
    );
    expect(argon2Calls.peak).toBeLessThanOrEqual(PASSWORD_WORK_LIMITS.running);
    expect(argon2Calls.total).toBeLessThanOrEqual(60);
    const busy = answers.filter((answer) => !answer.ok && answer.code === "rate_limited");
    const judged = answers.filter((answer) => !answer.ok && answer.code === "invalid_credentials");
    expect(judged.length + busy.length).toBe(60);
    // One more at most: the timing equaliser's own hash, made once per process on first use.
    expect(argon2Calls.total - judged.length).toBeLessThanOrEqual(1);
    expect(busy.length).toBeGreaterThan(0);
  });
});
