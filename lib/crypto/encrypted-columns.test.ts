import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENCRYPTED_COLUMNS, ENCRYPTED_MODELS } from "@/lib/crypto/encrypted-columns";

// The registry is what the extension seals and rotation re-encrypts: an entry that names no real column would
// leave the real one in plaintext without anyone noticing.
const schema = readFileSync(path.join(import.meta.dirname, "../../prisma/schema.prisma"), "utf8");

function modelBlock(model: string): string {
  const match = new RegExp(`^model ${model} \\{([\\s\\S]*?)^\\}`, "m").exec(schema);
  if (!match) throw new Error(`no model ${model} in prisma/schema.prisma`);
  return match[1]!;
}

describe("the encrypted column registry", () => {
  it.each(ENCRYPTED_COLUMNS.map((column) => [`${column.model}.${column.field}`, column] as const))(
    "%s is a text column of its model, and its id field is the model's @id",
    (_name, column) => {
      const block = modelBlock(column.model);
      expect(block).toMatch(new RegExp(`^\\s+${column.field}\\s+String\\??\\s`, "m"));
      expect(block).toMatch(new RegExp(`^\\s+${column.idField}\\s+String\\s+@id\\b`, "m"));
    },
  );

  it("groups columns by table with one id each", () => {
    expect([...ENCRYPTED_MODELS.keys()]).toEqual(["EbayAccount", "OAuthState", "WebhookEndpoint"]);
    expect([...ENCRYPTED_MODELS.get("EbayAccount")!.fields]).toEqual(["accessToken", "refreshToken", "authNAuthToken"]);
    expect([...ENCRYPTED_MODELS.get("OAuthState")!.fields]).toEqual(["authNAuthSessionId"]);
    expect([...ENCRYPTED_MODELS.get("WebhookEndpoint")!.fields]).toEqual(["signingSecret"]);
  });
});
