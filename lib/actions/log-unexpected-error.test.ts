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

  it("masks client and webhook secrets, refresh tokens and OAuth codes in every serialization", () => {
    const samples = [
      '{"clientSecret":"SECRET-A1","webhookSecret":"SECRET-A2"}',
      'body: {\\"clientSecret\\":\\"SECRET-B1\\",\\"webhook_secret\\":\\"SECRET-B2\\"}',
      "grant_type=refresh_token&refresh_token=SECRET-C1&client_secret=SECRET-C2",
      "client_secret: SECRET-D1, refreshToken=SECRET-D2",
      "GET /api/ebay/callback?state=st-1&code=SECRET-E1 failed",
      "POST /identity/v1/oauth2/token body grant_type=authorization_code&code=SECRET-E2&redirect_uri=RuName",
      "connect smtp://alerts:SECRET-F1@mail.example.test:587 refused",
      "{ webhookSecret: 'SECRET-G1' }",
    ];
    for (const sample of samples) {
      const redacted = redactSecrets(sample);
      expect(redacted, sample).not.toMatch(/SECRET-/);
      expect(redacted, sample).toContain("[redacted");
    }
    // What is not a credential stays readable for whoever reads the log.
    expect(redactSecrets("GET /api/ebay/callback?state=st-1&code=SECRET-E1")).toContain("state=st-1");
    expect(redactSecrets('{"code":"P2002","status":500}')).toBe('{"code":"P2002","status":500}');
    expect(redactSecrets("grant_type=refresh_token&x=1")).toBe("grant_type=refresh_token&x=1");
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
