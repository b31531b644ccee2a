import { describe, expect, it } from "vitest";
import { parseOptions } from "@node-rs/argon2";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "@/lib/auth/password";

describe("password hashing", () => {
  it("hashes with argon2id and verifies the same password only", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash.startsWith("$argon2id$")).toBe(true);
    expect(hash).not.toContain("correct horse");
    const parameters = parseOptions(hash);
    expect(parameters.memoryCost).toBe(19_456);
    expect(parameters.timeCost).toBe(2);

    await expect(verifyPassword(hash, "correct horse battery staple")).resolves.toBe(true);
    await expect(verifyPassword(hash, "correct horse battery stapler")).resolves.toBe(false);
  });

  it("salts every hash", async () => {
    const [first, second] = await Promise.all([hashPassword("same password"), hashPassword("same password")]);
    expect(first).not.toBe(second);
  });

  it("treats a malformed stored hash as a failed verification", async () => {
    await expect(verifyPassword("not-a-hash", "anything")).resolves.toBe(false);
  });

  it("always fails the timing-equalising dummy check", async () => {
    await expect(verifyAgainstDummy("channelkeys-timing-equaliser")).resolves.toBe(false);
  });
});
