import { hash, verify, type Algorithm, type Options } from "@node-rs/argon2";
import { PasswordWorkBusy, withPasswordWork } from "@/lib/auth/password-work";

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. Stored as a PHC string, so the
// parameters travel with each hash and can be raised later without breaking old ones.
const ARGON2ID = 2 as Algorithm;
const HASH_OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

// Every hash and verification runs within lib/auth/password-work.ts's bound (PasswordWorkBusy beyond it).
export async function hashPassword(password: string): Promise<string> {
  return withPasswordWork(() => hash(password, HASH_OPTIONS));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await withPasswordWork(() => verify(passwordHash, password));
  } catch (error) {
    if (error instanceof PasswordWorkBusy) throw error;
    // A malformed stored hash is a failed verification, never a crash of the sign-in route.
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same work as a real verification when the email is unknown, so response time
 * does not reveal which emails have accounts.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword("channelkeys-timing-equaliser").catch((error: unknown) => {
    // Refused while busy: made on a later call instead of remembering the refusal.
    dummyHash = undefined;
    throw error;
  });
  await verifyPassword(await dummyHash, password);
  return false;
}
