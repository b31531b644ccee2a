import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "@/lib/auth/callback-url";

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
