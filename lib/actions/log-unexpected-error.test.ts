import { afterEach, describe, expect, it, vi } from "vitest";
import { logUnexpectedError, redactSecrets, unexpectedErrorMessage } from "@/lib/actions/log-unexpected-error";

afterEach(() => vi.restoreAllMocks());

describe("unexpected error logging", () => {
  it("masks eBay tokens, authorization headers and token fields", () => {
    const text =
      'token v^1.1#i^1#r^1#p^3#I^3#f^0#t^Ul4xMF8yOjE= and Authorization: Bearer abc.def-ghi ' +
      '{"refresh_token":"v^1.1#secret","client_secret":"s3cr3t"} code=v^1.1#i^1#AUTH123&state=x';
    const redacted = redactSecrets(text);
    expect(redacted).not.toContain("Ul4xMF8yOjE");
    expect(redacted).not.toContain("abc.def-ghi");
    expect(redacted).not.toContain("s3cr3t");
    expect(redacted).not.toContain("AUTH123");
    expect(redacted).toContain("[redacted eBay token]");
    expect(redacted).toContain("state=x");
  });

  it("logs detail with an id and gives the user only that id", () => {
    const logged: string[] = [];
    vi.spyOn(console, "error").mockImplementation((message: string) => void logged.push(message));
    const errorId = logUnexpectedError("test action", new Error("database is locked", { cause: new Error("SQLITE_BUSY") }));
    expect(errorId).toMatch(/^[0-9a-f]{8}$/);
    expect(logged[0]).toContain(errorId);
    expect(logged[0]).toContain("database is locked");
    expect(logged[0]).toContain("SQLITE_BUSY");
    const message = unexpectedErrorMessage(errorId);
    expect(message).toContain(errorId);
    expect(message).not.toContain("database");
  });
});
