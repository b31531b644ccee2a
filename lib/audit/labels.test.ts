import { describe, expect, it } from "vitest";
import {
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  auditActionLabel,
  auditOutcomeLabel,
  auditOutcomeTone,
  formatAuditChanges,
  humanizeIdentifier,
  parseAuditChanges,
} from "@/lib/audit/labels";

describe("audit labels", () => {
  it("labels every known action and outcome with distinct words", () => {
    const actionLabels = AUDIT_ACTIONS.map(auditActionLabel);
    expect(new Set(actionLabels).size).toBe(AUDIT_ACTIONS.length);
    expect(auditActionLabel("account_recreate")).toBe("Re-created token");
    expect(AUDIT_OUTCOMES).toEqual(["success", "failure", "refused", "info"]);
    expect(auditOutcomeLabel("refused")).toBe("Refused");
    expect(auditOutcomeTone("failure")).toBe("danger");
  });

  it("shows actions and outcomes from a newer version readably instead of failing", () => {
    expect(auditActionLabel("bulk_run_started")).toBe("Bulk run started");
    expect(auditOutcomeLabel("partial")).toBe("Partial");
    expect(auditOutcomeTone("partial")).toBe("neutral");
    expect(auditActionLabel("toString")).toBe("To string");
    expect(humanizeIdentifier("refreshTokenExpiresAt")).toBe("Refresh token expires at");
  });
});

describe("parseAuditChanges", () => {
  it("renders field: before → after with human field and status names", () => {
    const lines = parseAuditChanges({
      status: ["healthy", "needs_reauth"],
      nickname: [null, "Main store"],
      failureStreak: [2, 0],
      refreshTokenExpiresAt: ["2025-01-01T00:00:00.000Z", "2026-07-01T00:00:00.000Z"],
    });
    expect(formatAuditChanges(lines)).toBe(
      "Status: Healthy → Needs re-authorization; Nickname: (none) → Main store; Failure streak: 2 → 0; " +
        "Refresh token expiry: 2025-01-01T00:00:00.000Z → 2026-07-01T00:00:00.000Z",
    );
  });

  it("redacts anything that looks like a secret", () => {
    const lines = parseAuditChanges({ accessToken: ["a", "b"], refreshToken: [null, "x"], clientSecret: ["s", "t"] });
    expect(lines.map((line) => [line.before, line.after])).toEqual([
      ["[redacted]", "[redacted]"],
      ["[redacted]", "[redacted]"],
      ["[redacted]", "[redacted]"],
    ]);
  });

  it("skips malformed change sets and entries instead of throwing", () => {
    expect(parseAuditChanges(null)).toEqual([]);
    expect(parseAuditChanges(undefined)).toEqual([]);
    expect(parseAuditChanges("{not an object")).toEqual([]);
    expect(parseAuditChanges([1, 2])).toEqual([]);
    expect(parseAuditChanges("text")).toEqual([]);
    expect(parseAuditChanges({ a: "x", b: [1], c: [1, 2, 3], d: [true, false] })).toEqual([
      { field: "d", fieldLabel: "D", before: "yes", after: "no" },
    ]);
  });
});
