import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTokenCipher, type TokenCipher } from "@/lib/crypto/token-cipher";
import { generateTokenKey, keyRing } from "@/lib/crypto/token-keys";
import { createDbClient, type Db } from "@/lib/db";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { rotateStoredTokens } from "./rotate-token-keys";

type RawRow = { id: string; ebayUserId: string; accessToken: string | null; refreshToken: string | null; updatedAt: Date };

const oldKey = generateTokenKey("old");
const newKey = generateTokenKey("new");
const before = createTokenCipher(keyRing([oldKey]));
const after = createTokenCipher(keyRing([newKey, oldKey]));
const binding = (rowId: string, column: string) => ({ table: "EbayAccount", column, rowId });

let testDb: TestDatabase;
const clients: Db[] = [];
beforeEach(async () => {
  testDb = await createTestDatabase();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.$disconnect()));
  await testDb.cleanup();
});

function client(cipher: TokenCipher): Db {
  const db = createDbClient(testDb.url, { tokenCipher: cipher });
  clients.push(db);
  return db;
}

function rawRows(): Promise<RawRow[]> {
  return testDb.query<RawRow>('SELECT "id", "ebayUserId", "accessToken", "refreshToken", "updatedAt" FROM "EbayAccount" ORDER BY "ebayUserId"');
}

async function writeRaw(sql: string, ...params: unknown[]): Promise<void> {
  await testDb.query(sql, params);
}

async function seedAccounts(count: number): Promise<void> {
  const oldDb = client(before);
  const { id: workspaceId } = await oldDb.workspace.create({ data: { name: "Acme" } });
  for (let i = 0; i < count; i += 1) {
    const ebayUserId = `user${String(i).padStart(4, "0")}`;
    await oldDb.ebayAccount.create({
      data: { workspaceId, environment: "sandbox", ebayUserId, accessToken: `access-${i}`, refreshToken: i % 2 === 0 ? `refresh-${i}` : null },
    });
  }
}

describe("rotateStoredTokens", () => {
  it("re-seals every token with the current key id, keeps the plaintext, leaves updatedAt, and is a no-op the second time", async () => {
    await seedAccounts(3);
    const seeded = await rawRows();
    expect(seeded.every((row) => row.accessToken!.startsWith("v2.old."))).toBe(true);

    const report = await rotateStoredTokens(client(after), after);
    expect(report.tables.EbayAccount).toEqual({ rows: 3, reencrypted: 5, alreadyCurrent: 0, sealedPlaintext: 0, changedConcurrently: 0, unreadable: 0 });

    const rotated = await rawRows();
    for (const [index, row] of rotated.entries()) {
      expect(row.accessToken!.startsWith("v2.new.")).toBe(true);
      expect(after.decrypt(row.accessToken!, binding(row.id, "accessToken"))).toBe(`access-${index}`);
      expect(row.refreshToken === null ? null : after.decrypt(row.refreshToken, binding(row.id, "refreshToken"))).toBe(
        index % 2 === 0 ? `refresh-${index}` : null,
      );
      expect(row.updatedAt).toEqual(seeded[index]!.updatedAt);
    }
    // Only the new key is needed from now on.
    const newOnly = client(createTokenCipher(keyRing([newKey])));
    const reread = await newOnly.ebayAccount.findMany({ orderBy: { ebayUserId: "asc" }, omit: { accessToken: false } });
    expect(reread.map((row) => row.accessToken)).toEqual(["access-0", "access-1", "access-2"]);

    expect((await rotateStoredTokens(client(after), after)).tables.EbayAccount).toMatchObject({ reencrypted: 0, alreadyCurrent: 5 });
  });

  it("pages through more accounts than one batch", async () => {
    await seedAccounts(501);
    const counts = (await rotateStoredTokens(client(after), after)).tables.EbayAccount!;
    expect(counts.rows).toBe(501);
    expect(counts.reencrypted).toBe(501 + 251);
    expect((await rawRows()).every((row) => row.accessToken!.startsWith("v2.new."))).toBe(true);
  });

  it("never overwrites a token that changed after it was read (compare-and-set)", async () => {
    await seedAccounts(2);
    const [first] = await rawRows();
    const concurrentRefresh = after.encrypt("refreshed-by-someone-else", binding(first!.id, "accessToken"));
    // While the rotation holds user0000's old access token in hand (it decrypted it and is about to write
    // it back), a "refresh" replaces it in the database: exactly the interleaving compare-and-set exists for.
    let heldValue: string | null = null;
    const racing: TokenCipher = {
      ...after,
      isEncryptedWithCurrentKey: (value) => after.isEncryptedWithCurrentKey(value),
      keyIdOf: (value) => after.keyIdOf(value),
      decrypt(value, where) {
        if (value === first!.accessToken) heldValue = value;
        return after.decrypt(value, where);
      },
    };
    const rotating = client(after);
    const racingDb = new Proxy(rotating, {
      get(target, property, receiver) {
        if (property !== "$executeRaw") return Reflect.get(target, property, receiver);
        return async (...args: Parameters<Db["$executeRaw"]>) => {
          if (heldValue !== null) {
            heldValue = null;
            await writeRaw('UPDATE "EbayAccount" SET "accessToken" = $1 WHERE "ebayUserId" = $2', concurrentRefresh, "user0000");
          }
          return target.$executeRaw(...args);
        };
      },
    });
    const report = await rotateStoredTokens(racingDb, racing);
    expect(report.tables.EbayAccount).toMatchObject({ reencrypted: 2, changedConcurrently: 1 });
    const [user0, user1] = await rawRows();
    expect(user0!.accessToken).toBe(concurrentRefresh);
    expect(user0!.refreshToken!.startsWith("v2.new.")).toBe(true);
    expect(user1!.accessToken!.startsWith("v2.new.")).toBe(true);
  });

  it("seals plaintext left in a token column and reports values no key opens without touching them", async () => {
    await seedAccounts(2);
    await writeRaw('UPDATE "EbayAccount" SET "accessToken" = $1 WHERE "ebayUserId" = $2', "legacy-plaintext", "user0000");
    const [, second] = await rawRows();
    const foreign = createTokenCipher(keyRing([generateTokenKey("lost")])).encrypt("sealed-with-a-lost-key", binding(second!.id, "accessToken"));
    await writeRaw('UPDATE "EbayAccount" SET "accessToken" = $1 WHERE "ebayUserId" = $2', foreign, "user0001");

    const report = await rotateStoredTokens(client(after), after);
    expect(report.tables.EbayAccount).toEqual({ rows: 2, reencrypted: 1, alreadyCurrent: 0, sealedPlaintext: 1, changedConcurrently: 0, unreadable: 1 });
    expect(report.unreadable).toBe(1);
    const [user0, user1] = await rawRows();
    expect(after.decrypt(user0!.accessToken!, binding(user0!.id, "accessToken"))).toBe("legacy-plaintext");
    expect(user1!.accessToken).toBe(foreign);
  });
});

// Security review, finding 6: rotation covers every encrypted column of lib/crypto/encrypted-columns.ts, not only
// the two token columns, and rewrites the v1 format (no row binding) as v2.
describe("rotation of every encrypted column", () => {
  // Sealed by the v1 format (before row binding) under key "legacy" = 32 bytes of 7s.
  const LEGACY_KEY = { id: "legacy", key: Buffer.alloc(32, 7) };
  const LEGACY_V1 = "v1.legacy.NaXEbTxjowDtez3b.-U53QLBCNlcx_jhTP7LYaw.217u2howEdikYePtBsxcBvM1DQw4vN8a214";

  it("re-encrypts every registered column, Auth'n'Auth tokens and webhook signing secrets too, and reports counts per table", async () => {
    await seedAccounts(2);
    const oldDb = client(before);
    const { id: workspaceId } = await oldDb.workspace.create({ data: { name: "Hooks" } });
    await oldDb.webhookEndpoint.create({ data: { workspaceId, url: "https://hooks.example.com/a", signingSecret: "whsec_c2VjcmV0", events: ["account.connected"] } });
    const { id: accountId } = await oldDb.ebayAccount.create({
      data: { workspaceId, environment: "sandbox", ebayUserId: "authnauth-user", authNAuthToken: "AgAAAA**authnauth-token" },
    });

    const report = await rotateStoredTokens(client(after), after);
    expect(report.tables.EbayAccount).toMatchObject({ rows: 3, reencrypted: 4, unreadable: 0 });
    expect(report.tables.WebhookEndpoint).toMatchObject({ rows: 1, reencrypted: 1, unreadable: 0 });
    expect(Object.keys(report.tables).sort()).toEqual(["EbayAccount", "OAuthState", "WebhookEndpoint"]);

    const [endpoint] = await testDb.query<{ signingSecret: string }>('SELECT "signingSecret" FROM "WebhookEndpoint"');
    expect(endpoint!.signingSecret.startsWith("v2.new.")).toBe(true);
    const newOnly = client(createTokenCipher(keyRing([newKey])));
    expect((await newOnly.webhookEndpoint.findFirstOrThrow({ omit: { signingSecret: false } })).signingSecret).toBe("whsec_c2VjcmV0");
    expect((await newOnly.ebayAccount.findUniqueOrThrow({ where: { id: accountId }, omit: { authNAuthToken: false } })).authNAuthToken).toBe(
      "AgAAAA**authnauth-token",
    );
  });

  it("opens v1 values (no row binding) and rewrites them as v2 bound to their row", async () => {
    const ring = createTokenCipher(keyRing([newKey, LEGACY_KEY]));
    const db = client(ring);
    const { id: workspaceId } = await db.workspace.create({ data: { name: "Legacy" } });
    const { id } = await db.ebayAccount.create({ data: { workspaceId, environment: "sandbox", ebayUserId: "legacy-user" } });
    await writeRaw('UPDATE "EbayAccount" SET "refreshToken" = $1 WHERE id = $2', LEGACY_V1, id);
    expect((await db.ebayAccount.findUniqueOrThrow({ where: { id }, omit: { refreshToken: false } })).refreshToken).toBe("v^1.1#legacy-refresh-token");

    const report = await rotateStoredTokens(db, ring);
    expect(report.tables.EbayAccount).toMatchObject({ rows: 1, reencrypted: 1 });
    const [row] = await rawRows();
    expect(row!.refreshToken!.startsWith("v2.new.")).toBe(true);
    expect((await db.ebayAccount.findUniqueOrThrow({ where: { id }, omit: { refreshToken: false } })).refreshToken).toBe("v^1.1#legacy-refresh-token");
  });
});
