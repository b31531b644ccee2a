import type { TokenCipher } from "@/lib/crypto/token-cipher";
import type { Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";

// Every sealed column (lib/db.ts's TOKEN_FIELDS): the accounts' eBay tokens (OAuth and Auth'n'Auth) and the webhook
// endpoints' signing secrets.
const SEALED_TABLES = [
  { table: "EbayAccount", columns: ["accessToken", "refreshToken", "authNAuthToken"], count: "accounts" },
  { table: "WebhookEndpoint", columns: ["signingSecret"], count: "webhookEndpoints" },
] as const;
const BATCH_SIZE = 500;

export type TokenRotationCounts = {
  accounts: number;
  webhookEndpoints: number;
  /** Token values re-sealed with the current key. */
  reencrypted: number;
  alreadyCurrent: number;
  /** Values that were stored as plaintext (not in the sealed format), now sealed. */
  sealedPlaintext: number;
  /** Values another writer replaced while we worked (e.g. a refresh); theirs is kept. */
  changedConcurrently: number;
  /** Values no configured key opens: left untouched. Old keys must stay until this is 0. */
  unreadable: number;
};

/**
 * Re-seals every stored token and webhook signing secret with the cipher's current key. Each value is written back only if the
 * column still holds exactly the ciphertext that was read (compare-and-set), so a token refreshed
 * concurrently is never overwritten with an older one. Raw SQL on purpose: reads must see ciphertext
 * (the client extension would open it) and a key rotation is not a change of the account (updatedAt stays).
 */
export async function rotateStoredTokens(db: Db, cipher: TokenCipher): Promise<TokenRotationCounts> {
  const counts: TokenRotationCounts = {
    accounts: 0,
    webhookEndpoints: 0,
    reencrypted: 0,
    alreadyCurrent: 0,
    sealedPlaintext: 0,
    changedConcurrently: 0,
    unreadable: 0,
  };
  for (const sealed of SEALED_TABLES) {
    const table = Prisma.raw(`"${sealed.table}"`);
    const columns = Prisma.raw(sealed.columns.map((column) => `"${column}"`).join(", "));
    let afterId = "";
    for (;;) {
      const rows = await db.$queryRaw<Array<Record<string, string | null> & { id: string }>>(
        Prisma.sql`SELECT "id", ${columns} FROM ${table} WHERE "id" > ${afterId} ORDER BY "id" LIMIT ${BATCH_SIZE}`,
      );
      for (const row of rows) {
        counts[sealed.count] += 1;
        for (const column of sealed.columns) {
          const stored = row[column];
          if (stored === null || stored === undefined) continue;
          const outcome = await rotateValue(db, cipher, sealed.table, row.id, column, stored);
          counts[outcome] += 1;
        }
      }
      const last = rows.at(-1);
      if (!last || rows.length < BATCH_SIZE) break;
      afterId = last.id;
    }
  }
  return counts;
}

type ValueOutcome = "reencrypted" | "alreadyCurrent" | "sealedPlaintext" | "changedConcurrently" | "unreadable";

async function rotateValue(
  db: Db,
  cipher: TokenCipher,
  table: string,
  id: string,
  column: string,
  stored: string,
): Promise<ValueOutcome> {
  if (cipher.isEncryptedWithCurrentKey(stored)) return "alreadyCurrent";
  const isSealed = cipher.keyIdOf(stored) !== null;
  let plaintext: string;
  if (isSealed) {
    try {
      plaintext = cipher.decrypt(stored);
    } catch {
      return "unreadable";
    }
  } else {
    plaintext = stored;
  }
  const columnSql = Prisma.raw(`"${column}"`);
  const changed = await db.$executeRaw(
    Prisma.sql`UPDATE ${Prisma.raw(`"${table}"`)} SET ${columnSql} = ${cipher.encrypt(plaintext)} WHERE "id" = ${id} AND ${columnSql} = ${stored}`,
  );
  if (changed === 0) return "changedConcurrently";
  return isSealed ? "reencrypted" : "sealedPlaintext";
}
