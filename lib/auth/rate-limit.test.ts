import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/test/support/test-database";
import {
  hitBucket,
  recordSignInSuccess,
  reserveSignInAttempt,
  signInEmailKey,
  signInIpKey,
  SIGN_IN_LIMITS,
} from "@/lib/auth/rate-limit";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.cleanup();
});
beforeEach(async () => {
  await database.db.rateLimitBucket.deleteMany();
});

const start = new Date("2026-03-01T10:00:00.000Z");
const later = (ms: number) => new Date(start.getTime() + ms);

async function attempt(email: string, ip: string, at = start) {
  return reserveSignInAttempt({ email, ip }, { client: database.db, at });
}

describe("sign-in throttle per email and address", () => {
  it("allows 5 failed attempts in 15 minutes from one address, refuses its 6th with the wait; other addresses go on", async () => {
    for (let index = 0; index < SIGN_IN_LIMITS.perEmailAndAddress.limit; index += 1) {
      expect((await attempt("seller@example.com", "198.51.100.1")).allowed).toBe(true);
    }
    expect((await attempt("seller@example.com", "198.51.100.2")).allowed).toBe(true);
    const refused = await attempt("seller@example.com", "198.51.100.1", later(60_000));
    expect(refused).toMatchObject({
      allowed: false,
      limitedBy: "email-and-address",
      retryAfterMinutes: 14,
      message: "Too many sign-in attempts. Try again in 14 minutes.",
      firstRefusal: true,
    });
    const again = await attempt("seller@example.com", "198.51.100.1", later(2 * 60_000));
    expect(again).toMatchObject({ allowed: false, firstRefusal: false, retryAfterMinutes: 13 });
  });

  it("counts the email case-insensitively and keeps other emails unaffected", async () => {
    for (let index = 0; index < 5; index += 1) await attempt(index % 2 ? "Seller@Example.com" : "seller@example.com", "192.0.2.1");
    expect((await attempt("SELLER@example.com", "192.0.2.1")).allowed).toBe(false);
    expect((await attempt("other@example.com", "192.0.2.1")).allowed).toBe(true);
  });

  it("opens a new window once the old one has ended", async () => {
    for (let index = 0; index < 6; index += 1) await attempt("seller@example.com", "192.0.2.1");
    expect((await attempt("seller@example.com", "192.0.2.1", later(SIGN_IN_LIMITS.perEmailAndAddress.windowMs - 1))).allowed).toBe(false);
    expect((await attempt("seller@example.com", "192.0.2.1", later(SIGN_IN_LIMITS.perEmailAndAddress.windowMs + 1))).allowed).toBe(true);
  });

  it("resets the email's failures after a successful sign-in and gives the IP its attempt back", async () => {
    for (let index = 0; index < 4; index += 1) await attempt("seller@example.com", "192.0.2.1");
    const success = await attempt("seller@example.com", "192.0.2.1");
    if (!success.allowed) throw new Error("the 5th attempt should be allowed");
    await recordSignInSuccess(success.reservation, { client: database.db, at: start });

    expect(await database.db.rateLimitBucket.findUnique({ where: { key: signInEmailKey("seller@example.com", "192.0.2.1") } })).toBeNull();
    expect((await database.db.rateLimitBucket.findUnique({ where: { key: signInIpKey("192.0.2.1") } }))?.count).toBe(4);
    for (let index = 0; index < 5; index += 1) expect((await attempt("seller@example.com", "192.0.2.1")).allowed).toBe(true);
  });
});

describe("sign-in throttle per IP", () => {
  it("allows 20 attempts from one address across emails, refuses the 21st", async () => {
    for (let index = 0; index < SIGN_IN_LIMITS.perIp.limit; index += 1) {
      expect((await attempt(`user${index}@example.com`, "203.0.113.5")).allowed).toBe(true);
    }
    const refused = await attempt("fresh@example.com", "203.0.113.5");
    expect(refused).toMatchObject({ allowed: false, limitedBy: "ip", message: "Too many sign-in attempts. Try again in 15 minutes." });
    // Refused by IP before the email was counted: the targeted account keeps its attempts.
    expect(await database.db.rateLimitBucket.findUnique({ where: { key: signInEmailKey("fresh@example.com", "203.0.113.5") } })).toBeNull();
    expect((await attempt("fresh@example.com", "203.0.113.6")).allowed).toBe(true);
  });
});

describe("fixed-window counter", () => {
  it("counts concurrent hits exactly", async () => {
    const rule = { limit: 100, windowMs: 60_000 };
    await Promise.all(Array.from({ length: 12 }, () => hitBucket(database.db, "test:concurrent", rule, start)));
    expect((await database.db.rateLimitBucket.findUnique({ where: { key: "test:concurrent" } }))?.count).toBe(12);
  });

  it("stores no readable email address", async () => {
    await attempt("private.person@example.com", "192.0.2.1");
    const keys = (await database.db.rateLimitBucket.findMany()).map((bucket) => bucket.key);
    expect(keys.join(" ")).not.toContain("private.person");
  });
});
