// `npm run keys:rotate [-- --new-key]`: re-seal every encrypted column (lib/crypto/encrypted-columns.ts: eBay tokens,
// webhook secrets, …) with the current key, in the v2 format bound to each value's table, row and column.
//
// With TOKEN_ENCRYPTION_KEYS: put the new key first in the list (keep the old ones after it), run this,
// and drop an old key only once this reports 0 unreadable. Without it (embedded default key file),
// --new-key prepends a fresh key to .data/token-keys.json first.
import { defaultTokenCipher, useTokenKeyRing } from "@/lib/crypto/token-cipher";
import { DEFAULT_KEY_FILE, generateTokenKey, loadTokenKeyRing, writeKeyFile } from "@/lib/crypto/token-keys";
import { createDbClient, databaseUrlFromEnv } from "@/lib/db";
import { rotateStoredTokens } from "@/scripts/db/rotate-token-keys";
import path from "node:path";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== "--new-key");
  if (unknown.length > 0) throw new Error(`Unknown argument ${unknown[0]}. Usage: tsx scripts/rotate-token-key.ts [--new-key]`);

  if (args.includes("--new-key")) {
    if (process.env.TOKEN_ENCRYPTION_KEYS?.trim()) {
      throw new Error("--new-key only manages the key file; with TOKEN_ENCRYPTION_KEYS set, put the new key first in that list");
    }
    const keyFile = path.resolve(process.cwd(), DEFAULT_KEY_FILE);
    const ring = loadTokenKeyRing({ keysSpec: undefined, keyFile });
    const added = generateTokenKey();
    writeKeyFile(keyFile, [added, ...[...ring.byId].map(([id, key]) => ({ id, key }))]);
    useTokenKeyRing(null);
    console.log(`new current key ${added.id} added to ${path.relative(process.cwd(), keyFile)}`);
  }

  const cipher = defaultTokenCipher();
  const db = createDbClient(databaseUrlFromEnv(), { tokenCipher: cipher });
  try {
    const report = await rotateStoredTokens(db, cipher);
    for (const [table, counts] of Object.entries(report.tables)) {
      console.log(
        `${table}: ${counts.rows} rows, re-encrypted ${counts.reencrypted}, already current ${counts.alreadyCurrent}, ` +
          `plaintext sealed ${counts.sealedPlaintext}, changed concurrently ${counts.changedConcurrently}, unreadable ${counts.unreadable}`,
      );
    }
    if (report.unreadable > 0) {
      console.error(
        `${report.unreadable} value(s) cannot be opened with any configured key (or were copied from another row): keep every old key until they are dealt with`,
      );
      process.exitCode = 1;
    }
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(`keys:rotate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
