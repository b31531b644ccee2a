import { createHash } from "node:crypto";
import { db as defaultDb, type Db } from "@/lib/db";
import { now } from "@/lib/clock";

// Fixed-window counters in the RateLimitBucket table, so every server process shares them.
// Each attempt is counted BEFORE the password is checked (an increment is atomic; a read-then-write
// would let a burst of parallel guesses all pass the check), and a success hands its count back.

export type RateLimitRule = { limit: number; windowMs: number };

// Sign-in failures count per email *and* client address, never per email alone: a per-email lockout lets anyone who
// knows an address keep its owner out by failing six times per window (security review, finding 4). With this key
// the attacker's address is refused while the owner, from any other address, signs in as usual. Guessing is
// bounded by the per-address limit across emails (one address cannot spray), so a guesser needs many addresses,
// each of which gets 5 tries per email per 15 minutes, against argon2id hashes of passwords of at least 8
// characters; refusals happen before any hashing (lib/auth/credentials.ts) and the hashing in flight is bounded
// (lib/auth/password-work.ts).
export const SIGN_IN_LIMITS = {
  perEmailAndAddress: { limit: 5, windowMs: 15 * 60_000 },
  perIp: { limit: 20, windowMs: 15 * 60_000 },
} as const satisfies Record<string, RateLimitRule>;

type BucketClient = Pick<Db, "rateLimitBucket">;

export type BucketHit = { key: string; count: number; windowStart: Date };

export function signInEmailKey(email: string, ip: string): string {
  // Hashed so the table holds no readable addresses, including ones nobody registered.
  const digest = createHash("sha256").update(`${email.trim().toLowerCase()}\n${ip}`).digest("hex").slice(0, 32);
  return `sign-in:email-ip:${digest}`;
}

export function signInIpKey(ip: string): string {
  return `sign-in:ip:${ip}`;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

/** Counts one hit in the key's current window (starting a new window when the old one ended). */
export async function hitBucket(
  client: BucketClient,
  key: string,
  rule: RateLimitRule,
  at: Date = now(),
): Promise<BucketHit> {
  const windowFloor = new Date(at.getTime() - rule.windowMs);
  // Bounded retries: each round loses only to a concurrent writer that made progress.
  for (let round = 0; round < 5; round += 1) {
    const incremented = await client.rateLimitBucket.updateMany({
      where: { key, windowStart: { gt: windowFloor } },
      data: { count: { increment: 1 } },
    });
    if (incremented.count === 1) {
      const bucket = await client.rateLimitBucket.findUnique({ where: { key } });
      if (bucket) return { key, count: bucket.count, windowStart: bucket.windowStart };
      continue;
    }
    const restarted = await client.rateLimitBucket.updateMany({
      where: { key, windowStart: { lte: windowFloor } },
      data: { windowStart: at, count: 1 },
    });
    if (restarted.count === 1) return { key, count: 1, windowStart: at };
    try {
      await client.rateLimitBucket.create({ data: { key, windowStart: at, count: 1 } });
      return { key, count: 1, windowStart: at };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw new Error(`Rate limit bucket ${key} kept changing under concurrent writers.`);
}

/** Gives one hit back, if its window is still the current one. */
export async function releaseHit(client: BucketClient, hit: BucketHit): Promise<void> {
  await client.rateLimitBucket.updateMany({
    where: { key: hit.key, windowStart: hit.windowStart, count: { gt: 0 } },
    data: { count: { decrement: 1 } },
  });
}

export async function resetBucket(client: BucketClient, key: string): Promise<void> {
  await client.rateLimitBucket.deleteMany({ where: { key } });
}

/** Drops buckets whose window ended long ago; they would restart on the next hit anyway. */
export async function pruneExpiredBuckets(client: BucketClient, olderThanMs: number, at: Date = now()): Promise<number> {
  const result = await client.rateLimitBucket.deleteMany({
    where: { windowStart: { lt: new Date(at.getTime() - olderThanMs) } },
  });
  return result.count;
}

export function minutesUntilWindowEnds(hit: BucketHit, rule: RateLimitRule, at: Date = now()): number {
  const remainingMs = hit.windowStart.getTime() + rule.windowMs - at.getTime();
  return Math.max(1, Math.ceil(remainingMs / 60_000));
}

export function tooManyAttemptsMessage(minutes: number): string {
  return `Too many sign-in attempts. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}

export type SignInReservation = { emailHit: BucketHit; ipHit: BucketHit };

export type SignInThrottleDecision =
  | { allowed: true; reservation: SignInReservation }
  | {
      allowed: false;
      limitedBy: "email-and-address" | "ip";
      retryAfterMinutes: number;
      message: string;
      /** True only for the attempt that crossed the limit, so history records one refusal per lockout. */
      firstRefusal: boolean;
    };

/**
 * Counts a sign-in attempt against the IP and then the (email, IP) pair. The IP is checked first so one noisy
 * address refused across emails does not also count against each email it tries.
 */
export async function reserveSignInAttempt(
  input: { email: string; ip: string },
  options: { client?: BucketClient; at?: Date } = {},
): Promise<SignInThrottleDecision> {
  const client = options.client ?? defaultDb;
  const at = options.at ?? now();

  const ipHit = await hitBucket(client, signInIpKey(input.ip), SIGN_IN_LIMITS.perIp, at);
  if (ipHit.count > SIGN_IN_LIMITS.perIp.limit) return refusal("ip", ipHit, SIGN_IN_LIMITS.perIp, at);

  const emailHit = await hitBucket(client, signInEmailKey(input.email, input.ip), SIGN_IN_LIMITS.perEmailAndAddress, at);
  if (emailHit.count > SIGN_IN_LIMITS.perEmailAndAddress.limit) {
    return refusal("email-and-address", emailHit, SIGN_IN_LIMITS.perEmailAndAddress, at);
  }

  return { allowed: true, reservation: { emailHit, ipHit } };
}

function refusal(limitedBy: "email-and-address" | "ip", hit: BucketHit, rule: RateLimitRule, at: Date): SignInThrottleDecision {
  const retryAfterMinutes = minutesUntilWindowEnds(hit, rule, at);
  return {
    allowed: false,
    limitedBy,
    retryAfterMinutes,
    message: tooManyAttemptsMessage(retryAfterMinutes),
    firstRefusal: hit.count === rule.limit + 1,
  };
}

/** A successful sign-in clears the failures of its (email, address) pair and does not count against the address. */
export async function recordSignInSuccess(
  reservation: SignInReservation,
  options: { client?: BucketClient; at?: Date } = {},
): Promise<void> {
  const client = options.client ?? defaultDb;
  await resetBucket(client, reservation.emailHit.key);
  await releaseHit(client, reservation.ipHit);
  const longestWindow = Math.max(SIGN_IN_LIMITS.perEmailAndAddress.windowMs, SIGN_IN_LIMITS.perIp.windowMs);
  await pruneExpiredBuckets(client, longestWindow * 2, options.at ?? now());
}
