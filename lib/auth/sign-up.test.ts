import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/test/support/test-database";
import { verifyPassword } from "@/lib/auth/password";
import { DUPLICATE_EMAIL_MESSAGE, registerUser, signUpLimitPerIp } from "@/lib/auth/sign-up";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.cleanup();
});

describe("sign-up", () => {
  it("creates the user, their workspace and an owner membership, and records it", async () => {
    const result = await registerUser(
      { name: "  Ada Lovelace ", email: " Ada@Example.COM ", password: "analytical-engine" },
      { client: database.db, ip: "192.0.2.10" },
    );
    if (!result.ok) throw new Error(result.error);
    expect(result.user).toMatchObject({ name: "Ada Lovelace", email: "ada@example.com" });
    expect(result.workspace.name).toBe("Ada Lovelace's workspace");

    const membership = await database.db.membership.findFirstOrThrow({ where: { userId: result.user.id } });
    expect(membership).toMatchObject({ workspaceId: result.workspace.id, role: "owner" });

    const stored = await database.db.user.findUniqueOrThrow({ where: { id: result.user.id } });
    expect(stored.passwordHash.startsWith("$argon2id$")).toBe(true);
    await expect(verifyPassword(stored.passwordHash, "analytical-engine")).resolves.toBe(true);

    const events = await database.db.auditEvent.findMany({ where: { workspaceId: result.workspace.id } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: "sign_up", outcome: "success", actorUserId: result.user.id, actorLabel: "ada@example.com" });
    expect(JSON.stringify(events)).not.toContain("analytical-engine");
  });

  it("refuses an email that is already registered, whatever its case, and creates nothing", async () => {
    await registerUser({ name: "Grace", email: "grace@example.com", password: "compilers-rule" }, { client: database.db });
    const usersBefore = await database.db.user.count();
    const workspacesBefore = await database.db.workspace.count();

    const duplicate = await registerUser(
      { name: "Someone Else", email: "GRACE@example.com", password: "another-password" },
      { client: database.db },
    );
    expect(duplicate).toEqual({ ok: false, error: DUPLICATE_EMAIL_MESSAGE, fieldErrors: { email: DUPLICATE_EMAIL_MESSAGE } });
    expect(await database.db.user.count()).toBe(usersBefore);
    expect(await database.db.workspace.count()).toBe(workspacesBefore);
  });

  it("explains each invalid field", async () => {
    const result = await registerUser({ name: "   ", email: "not-an-email", password: "short" }, { client: database.db });
    expect(result).toEqual({
      ok: false,
      error: "Check the highlighted fields.",
      fieldErrors: {
        name: "Enter your name.",
        email: "Enter a valid email address, like name@example.com.",
        password: "Use at least 8 characters for your password.",
      },
    });
  });

  it("asks for missing fields", async () => {
    const result = await registerUser({}, { client: database.db });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fieldErrors).toEqual({
      name: "Enter your name.",
      email: "Enter your email address.",
      password: "Choose a password.",
    });
  });

  it("throttles account creation per network address", async () => {
    const { limit } = signUpLimitPerIp();
    const ip = "198.51.100.77";
    for (let index = 0; index < limit; index += 1) {
      const created = await registerUser(
        { name: `Bulk ${index}`, email: `bulk-${index}@example.com`, password: "long-enough-password" },
        { client: database.db, ip },
      );
      expect(created.ok).toBe(true);
    }
    const refused = await registerUser(
      { name: "One more", email: "one-more@example.com", password: "long-enough-password" },
      { client: database.db, ip },
    );
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/^Too many accounts were created from this network/) });
    expect(await database.db.user.count({ where: { email: "one-more@example.com" } })).toBe(0);
    const elsewhere = await registerUser(
      { name: "Elsewhere", email: "elsewhere@example.com", password: "long-enough-password" },
      { client: database.db, ip: "198.51.100.78" },
    );
    expect(elsewhere.ok).toBe(true);
  });
});
