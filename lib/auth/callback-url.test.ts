import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { clientIpFrom } from "@/lib/auth/client-ip";

describe("safeCallbackPath", () => {
  it("keeps paths on this site", () => {
    expect(safeCallbackPath("/accounts/abc?tab=checks")).toBe("/accounts/abc?tab=checks");
    expect(safeCallbackPath("/audit")).toBe("/audit");
  });

  it("refuses other origins and tricks", () => {
    for (const value of ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", "", undefined, 42]) {
      expect(safeCallbackPath(value)).toBe("/accounts");
    }
  });

  it("refuses paths that normalise into another origin", () => {
    for (const value of ["/.//evil.com", "/%2e//evil.com", "/a/..//evil.com", "/./%2e/..//evil.com/x?y"]) {
      expect(safeCallbackPath(value), value).toBe("/accounts");
    }
    expect(safeCallbackPath("/accounts/../audit")).toBe("/audit");
  });

  it("does not send a signed-in user back to the sign-in page", () => {
    expect(safeCallbackPath("/sign-in?callbackUrl=%2Faudit")).toBe("/accounts");
  });
});

describe("clientIpFrom", () => {
  it("takes the last X-Forwarded-For hop (the one our own proxy added)", () => {
    expect(clientIpFrom(new Headers({ "x-forwarded-for": "203.0.113.9, 198.51.100.7" }))).toBe("198.51.100.7");
    expect(clientIpFrom({ "x-forwarded-for": "::ffff:127.0.0.1" })).toBe("127.0.0.1");
  });

  it("falls back to X-Real-IP, then to a shared 'unknown' bucket", () => {
    expect(clientIpFrom({ "x-real-ip": "192.0.2.1" })).toBe("192.0.2.1");
    expect(clientIpFrom({})).toBe("unknown");
    expect(clientIpFrom(undefined)).toBe("unknown");
  });
});
