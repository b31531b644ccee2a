import type { TokenCipher } from "@/lib/crypto/token-cipher";
import { ENCRYPTED_MODELS, type EncryptedModel } from "@/lib/crypto/encrypted-columns";
import type { Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";

const BATCH_SIZE = 500;

export type TableRotationCounts = {
  rows: number;
  /** Values re-sealed as v2 with the current key (older keys, and v1 values under any key). */
  reencrypted: number;
  alreadyCurrent: number;
  /** Values that were stored as plaintext (not in a sealed format), now sealed. */
  sealedPlaintext: number;
  /** Values another writer replaced while we worked (e.g. a refresh); theirs is kept. */
  changedConcurrently: number;
  /** Values no configured key opens (or that were copied from another row): left untouched. Old keys must stay until this is 0. */
  unreadable: number;
};

export type RotationReport = {
  /** One entry per table of lib/crypto/encrypted-columns.ts, keyed by model (= table) name. */
  tables: Record<string, TableRotationCounts>;
  unreadable: number;
};

/**
 * Re-seals every value of every encrypted column (lib/crypto/encrypted-columns.ts) as v2 with the cipher's current
 * key, bound to its table, row and column. Each value is written back only if the column still holds exactly the
 * ciphertext that was read (compare-and-set), so a token refreshed concurrently is never overwritten with an older
 * one. Raw SQL on purpose: reads must see ciphertext (the client extension would open it) and a key rotation is not
 * a change of the row (updatedAt stays).
 */
export async function rotateStoredTokens(db: Db, cipher: TokenCipher): Promise<RotationReport> {
  const report: RotationReport = { tables: {}, unreadable: 0 };
  for (const encrypted of ENCRYPTED_MODELS.values()) {
    const counts = await rotateTable(db, cipher, encrypted);
    report.tables[encrypted.model] = counts;
    report.unreadable += counts.unreadable;
  }
  return report;
}

async function rotateTable(db: Db, cipher: TokenCipher, encrypted: EncryptedModel): Promise<TableRotationCounts> {
  const counts: TableRotationCounts = { rows: 0, reencrypted: 0, alreadyCurrent: 0, sealedPlaintext: 0, changedConcurrently: 0, unreadable: 0 };
  // Names come from the registry, never from input; quoted as identifiers.
  const table = Prisma.raw(quoteIdentifier(encrypted.model));
  const id = Prisma.raw(quoteIdentifier(encrypted.idField));
  const columns = Prisma.raw([...encrypted.fields].map(quoteIdentifier).join(", "));
  let afterId = "";
  for (;;) {
    const rows = await db.$queryRaw<Record<string, string | null>[]>(
      Prisma.sql`SELECT ${id} AS "rowId", ${columns} FROM ${table} WHERE ${id} > ${afterId} ORDER BY ${id} LIMIT ${BATCH_SIZE}`,
    );
    for (const row of rows) {
      counts.rows += 1;
      for (const column of encrypted.fields) {
        const stored = row[column];
        if (stored === null || stored === undefined) continue;
        const outcome = await rotateValue(db, cipher, encrypted, row.rowId!, column, stored);
        counts[outcome] += 1;
      }
    }
    const last = rows.at(-1);
    if (!last || rows.length < BATCH_SIZE) break;
    afterId = last.rowId!;
  }
  return counts;
}

type ValueOutcome = "reencrypted" | "alreadyCurrent" | "sealedPlaintext" | "changedConcurrently" | "unreadable";

async function rotateValue(
  db: Db,
  cipher: TokenCipher,
  encrypted: EncryptedModel,
  rowId: string,
  column: string,
  stored: string,
): Promise<ValueOutcome> {
  const binding = { table: encrypted.model, column, rowId };
  const isSealed = cipher.keyIdOf(stored) !== null;
  let plaintext: string;
  if (isSealed) {
    try {
      plaintext = cipher.decrypt(stored, binding);
    } catch {
      return "unreadable";
    }
    // Opened where it lies, under the current key and in the current format: nothing to do.
    if (cipher.isEncryptedWithCurrentKey(stored)) return "alreadyCurrent";
  } else {
    plaintext = stored;
  }
  const table = Prisma.raw(quoteIdentifier(encrypted.model));
  const id = Prisma.raw(quoteIdentifier(encrypted.idField));
  const columnSql = Prisma.raw(quoteIdentifier(column));
  const changed = await db.$executeRaw(
    Prisma.sql`UPDATE ${table} SET ${columnSql} = ${cipher.encrypt(plaintext, binding)} WHERE ${id} = ${rowId} AND ${columnSql} = ${stored}`,
  );
  if (changed === 0) return "changedConcurrently";
  return isSealed ? "reencrypted" : "sealedPlaintext";
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
