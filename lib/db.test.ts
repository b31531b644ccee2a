import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTokenCipher } from "@/lib/crypto/token-cipher";
import { generateTokenKey, keyRing } from "@/lib/crypto/token-keys";
import { createDbClient, databaseUrlFromEnv, type Db, type DbTransaction } from "@/lib/db";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";

const ACCESS = "v^1.1#i^1#access-token-plaintext";
const REFRESH = "v^1.1#i^1#refresh-token-plaintext";

type RawTokens = { ebayUserId: string; accessToken: string | null; refreshToken: string | null };

let testDb: TestDatabase;
let db: Db;
beforeEach(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
});
afterEach(async () => {
  await testDb.cleanup();
});

function rawTokens(): Promise<RawTokens[]> {
  return testDb.query<RawTokens>('SELECT "ebayUserId", "accessToken", "refreshToken" FROM "EbayAccount" ORDER BY "ebayUserId"');
}

function expectSealed(value: string | null, plaintext: string): void {
  expect(value).toMatch(/^v2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
  expect(value).not.toContain(plaintext);
}

async function workspace(): Promise<string> {
  return (await db.workspace.create({ data: { name: "Acme" } })).id;
}

const account = (workspaceId: string, ebayUserId: string) => ({ workspaceId, environment: "sandbox", ebayUserId });

describe("token encryption extension", () => {
  it("stores ciphertext for create, and returns plaintext only when a query asks for it", async () => {
    const workspaceId = await workspace();
    const created = await db.ebayAccount.create({ data: { ...account(workspaceId, "u1"), accessToken: ACCESS, refreshToken: REFRESH } });
    expect(created).not.toHaveProperty("accessToken");
    expect(created).not.toHaveProperty("refreshToken");

    const [raw] = await rawTokens();
    expectSealed(raw!.accessToken, ACCESS);
    expectSealed(raw!.refreshToken, REFRESH);

    const byDefault = await db.ebayAccount.findUniqueOrThrow({ where: { id: created.id } });
    expect(byDefault).not.toHaveProperty("accessToken");
    expect(byDefault).not.toHaveProperty("refreshToken");
    expect(byDefault.ebayUserId).toBe("u1");

    const asked = await db.ebayAccount.findUniqueOrThrow({
      where: { id: created.id },
      omit: { accessToken: false, refreshToken: false },
    });
    expect(asked.accessToken).toBe(ACCESS);
    expect(asked.refreshToken).toBe(REFRESH);

    const onlyRefresh = await db.ebayAccount.findFirstOrThrow({ omit: { refreshToken: false } });
    expect(onlyRefresh.refreshToken).toBe(REFRESH);
    expect(onlyRefresh).not.toHaveProperty("accessToken");

    const selected = await db.ebayAccount.findFirstOrThrow({ select: { id: true, accessToken: true } });
    expect(selected).toEqual({ id: created.id, accessToken: ACCESS });
  });

  it("seals every write path: update, updateMany, upsert, createMany, { set } and nested creates", async () => {
    const workspaceId = await workspace();
    const { id } = await db.ebayAccount.create({ data: account(workspaceId, "a") });
    await db.ebayAccount.update({ where: { id }, data: { accessToken: "a-access" } });
    await db.ebayAccount.updateMany({ where: { id }, data: { refreshToken: { set: "a-refresh" } } });
    await db.ebayAccount.upsert({
      where: { id: "missing" },
      create: { ...account(workspaceId, "b"), accessToken: "b-access" },
      update: {},
    });
    await db.ebayAccount.upsert({ where: { id }, create: account(workspaceId, "never"), update: { accessToken: "a-access-2" } });
    await db.ebayAccount.createMany({ data: [{ ...account(workspaceId, "c"), refreshToken: "c-refresh" }] });
    await db.workspace.create({
      data: { name: "Nested", accounts: { create: [{ environment: "production", ebayUserId: "d", accessToken: "d-access" }] } },
    });

    const raw = await rawTokens();
    expect(raw.map((row) => row.ebayUserId)).toEqual(["a", "b", "c", "d"]);
    expectSealed(raw[0]!.accessToken, "a-access-2");
    expectSealed(raw[0]!.refreshToken, "a-refresh");
    expectSealed(raw[1]!.accessToken, "b-access");
    expect(raw[1]!.refreshToken).toBeNull();
    expectSealed(raw[2]!.refreshToken, "c-refresh");
    expectSealed(raw[3]!.accessToken, "d-access");

    const opened = await db.ebayAccount.findMany({ orderBy: { ebayUserId: "asc" }, omit: { accessToken: false, refreshToken: false } });
    expect(opened.map((row) => [row.ebayUserId, row.accessToken, row.refreshToken])).toEqual([
      ["a", "a-access-2", "a-refresh"],
      ["b", "b-access", null],
      ["c", null, "c-refresh"],
      ["d", "d-access", null],
    ]);
  });

  it("opens tokens in nested reads and inside interactive transactions", async () => {
    const workspaceId = await workspace();
    await db.ebayAccount.create({ data: { ...account(workspaceId, "u1"), accessToken: ACCESS } });

    const nested = await db.workspace.findUniqueOrThrow({
      where: { id: workspaceId },
      include: { accounts: { omit: { accessToken: false } } },
    });
    expect(nested.accounts[0]!.accessToken).toBe(ACCESS);
    const nestedDefault = await db.workspace.findUniqueOrThrow({ where: { id: workspaceId }, include: { accounts: true } });
    expect(nestedDefault.accounts[0]).not.toHaveProperty("accessToken");

    const refreshInTransaction = async (tx: DbTransaction) => {
      const current = await tx.ebayAccount.findFirstOrThrow({ omit: { accessToken: false } });
      expect(current.accessToken).toBe(ACCESS);
      await tx.ebayAccount.update({ where: { id: current.id }, data: { accessToken: "rotated-in-tx" } });
    };
    await db.$transaction(refreshInTransaction);
    expectSealed((await rawTokens())[0]!.accessToken, "rotated-in-tx");
    expect((await db.ebayAccount.findFirstOrThrow({ omit: { accessToken: false } })).accessToken).toBe("rotated-in-tx");
  });

  it("uses an explicit cipher when given one, and a wrong key fails the read instead of returning ciphertext", async () => {
    const cipher = createTokenCipher(keyRing([generateTokenKey("explicit")]));
    const explicit = createDbClient(testDb.url, { tokenCipher: cipher });
    try {
      const workspaceId = await workspace();
      await explicit.ebayAccount.create({ data: { ...account(workspaceId, "u1"), accessToken: ACCESS } });
      expect((await rawTokens())[0]!.accessToken!.startsWith("v2.explicit.")).toBe(true);
      expect((await explicit.ebayAccount.findFirstOrThrow({ omit: { accessToken: false } })).accessToken).toBe(ACCESS);
      await expect(db.ebayAccount.findFirst({ omit: { accessToken: false } })).rejects.toThrow(/unknown key id "explicit"/);
    } finally {
      await explicit.$disconnect();
    }
  });
});

describe("PostgreSQL connection", () => {
  it("stores timestamps as timestamptz and change sets as jsonb", async () => {
    const columns = await testDb.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND (data_type LIKE 'timestamp%' OR column_name = 'changes')`,
    );
    expect(columns.length).toBeGreaterThan(20);
    for (const column of columns) {
      if (column.column_name === "changes") expect(column.data_type).toBe("jsonb");
      else expect(`${column.table_name}.${column.column_name}: ${column.data_type}`).toMatch(/: timestamp with time zone$/);
    }
  });

  it("refuses a status the code does not know (CHECK constraints)", async () => {
    const workspaceId = await workspace();
    await expect(db.ebayAccount.create({ data: { ...account(workspaceId, "u1"), status: "sort_of_ok" } })).rejects.toThrow();
    await expect(db.membership.create({ data: { workspaceId, userId: "nobody", role: "superuser" } })).rejects.toThrow();
  });

  it("enforces the schema's cascades (foreign_keys=ON)", async () => {
    const workspaceId = await workspace();
    await db.ebayAccount.create({ data: account(workspaceId, "u1") });
    await db.workspace.delete({ where: { id: workspaceId } });
    expect(await db.ebayAccount.count()).toBe(0);
    await expect(db.ebayAccount.create({ data: account("no-such-workspace", "u2") })).rejects.toThrow();
  });
});

describe("databaseUrlFromEnv", () => {
  it("takes a postgres URL and says what to do when there is none", () => {
    expect(databaseUrlFromEnv({ DATABASE_URL: " postgres://u:p@db.example:5432/ck " })).toBe("postgres://u:p@db.example:5432/ck");
    expect(databaseUrlFromEnv({ DATABASE_URL: "postgresql://localhost/ck" })).toBe("postgresql://localhost/ck");
    expect(() => databaseUrlFromEnv({})).toThrow(/DATABASE_URL is not set\. Start ChannelKeys with `npm start`/);
    expect(() => databaseUrlFromEnv({ DATABASE_URL: "  " })).toThrow(/not set/);
  });

  it("refuses URLs of other databases", () => {
    expect(() => databaseUrlFromEnv({ DATABASE_URL: "file:./.data/channelkeys.db" })).toThrow(/PostgreSQL only \(got "file:"\)/);
    expect(() => databaseUrlFromEnv({ DATABASE_URL: "mysql://localhost/x" })).toThrow(/got "mysql:"/);
  });
});

// Security review, finding 6: every encrypted column is sealed by the extension, and a ciphertext is bound to its
// table, row and column through AES-GCM's additional data, so a value copied elsewhere in the database is refused.
describe("ciphertext bound to its table, row and column", () => {
  it("seals webhook signing secrets like tokens when they are written through the client", async () => {
    const workspaceId = await workspace();
    const endpoint = await db.webhookEndpoint.create({
      data: { workspaceId, url: "https://hooks.example.com/x", signingSecret: "whsec-plaintext-0123456789", events: ["account.needs_reauth"] },
    });
    const [raw] = await testDb.query<{ signingSecret: string }>('SELECT "signingSecret" FROM "WebhookEndpoint" WHERE id = $1', [endpoint.id]);
    expect(raw!.signingSecret).toMatch(/^v2\./);
    expect(raw!.signingSecret).not.toContain("whsec-plaintext");
    // Omitted unless asked for, like tokens.
    expect(await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).not.toHaveProperty("signingSecret");
    const read = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id }, omit: { signingSecret: false } });
    expect(read.signingSecret).toBe("whsec-plaintext-0123456789");
  });

  it("refuses a token ciphertext copied onto another account's row or into another column", async () => {
    const workspaceId = await workspace();
    const victim = await db.ebayAccount.create({ data: { ...account(workspaceId, "victim"), accessToken: "victim-access", refreshToken: "victim-refresh" } });
    const attacker = await db.ebayAccount.create({ data: { ...account(workspaceId, "attacker"), accessToken: "attacker-access" } });
    const [stolen] = await testDb.query<{ accessToken: string; refreshToken: string }>(
      'SELECT "accessToken", "refreshToken" FROM "EbayAccount" WHERE id = $1',
      [victim.id],
    );
    expect(stolen!.accessToken).toMatch(/^v2\./);

    await testDb.query('UPDATE "EbayAccount" SET "accessToken" = $1 WHERE id = $2', [stolen!.accessToken, attacker.id]);
    await expect(db.ebayAccount.findUniqueOrThrow({ where: { id: attacker.id }, omit: { accessToken: false } })).rejects.toThrow(
      /failed authentication/,
    );
    // Same row, other column: an access token's ciphertext does not open as the refresh token.
    await testDb.query('UPDATE "EbayAccount" SET "refreshToken" = $1 WHERE id = $2', [stolen!.accessToken, victim.id]);
    await expect(db.ebayAccount.findUniqueOrThrow({ where: { id: victim.id }, omit: { refreshToken: false } })).rejects.toThrow(
      /failed authentication/,
    );
    // The victim's own access token still opens where it belongs.
    expect((await db.ebayAccount.findUniqueOrThrow({ where: { id: victim.id }, omit: { accessToken: false } })).accessToken).toBe("victim-access");
  });

  it("binds values written by nested creates, createMany and upserts without an id to the row they land in", async () => {
    const workspaceId = await workspace();
    await db.ebayAccount.createMany({ data: [{ ...account(workspaceId, "m1"), accessToken: "m1-access" }, { ...account(workspaceId, "m2"), accessToken: "m2-access" }] });
    await db.workspace.create({ data: { name: "Nested", accounts: { create: { environment: "production", ebayUserId: "n1", refreshToken: "n1-refresh" } } } });
    await db.ebayAccount.upsert({ where: { id: "not-there" }, create: { ...account(workspaceId, "u1"), accessToken: "u1-access" }, update: {} });
    const opened = await db.ebayAccount.findMany({ orderBy: { ebayUserId: "asc" }, select: { ebayUserId: true, accessToken: true, refreshToken: true } });
    expect(opened).toEqual([
      { ebayUserId: "m1", accessToken: "m1-access", refreshToken: null },
      { ebayUserId: "m2", accessToken: "m2-access", refreshToken: null },
      { ebayUserId: "n1", accessToken: null, refreshToken: "n1-refresh" },
      { ebayUserId: "u1", accessToken: "u1-access", refreshToken: null },
    ]);
    // A select without the row id still opens (the id is fetched for the binding and not handed back).
    const [onlyToken] = await db.ebayAccount.findMany({ where: { ebayUserId: "m2" }, select: { accessToken: true } });
    expect(onlyToken).toEqual({ accessToken: "m2-access" });
  });
});
