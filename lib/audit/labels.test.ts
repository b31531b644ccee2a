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

  it("leaves out token-bearing fields altogether (they are not on the allow-list)", () => {
    expect(parseAuditChanges({ accessToken: ["a", "b"], refreshToken: [null, "x"], clientSecret: ["s", "t"] })).toEqual([]);
  });

  it("skips malformed change sets and entries instead of throwing", () => {
    expect(parseAuditChanges(null)).toEqual([]);
    expect(parseAuditChanges(undefined)).toEqual([]);
    expect(parseAuditChanges("{not an object")).toEqual([]);
    expect(parseAuditChanges([1, 2])).toEqual([]);
    expect(parseAuditChanges("text")).toEqual([]);
    expect(parseAuditChanges({ status: "x", nickname: [1], scopes: [1, 2, 3], environment: [true, false] })).toEqual([
      { field: "environment", fieldLabel: "Environment", before: "yes", after: "no" },
    ]);
  });
});

// Security review, finding 1: a viewer reads the history. For a Slack-style incoming webhook the URL is the
// secret, and the alert recipients are the workspace's private addresses: neither may appear whole.
describe("change sets a viewer can read", () => {
  const SLACK_HOOK = "https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/zY8secretPathPart42";

  it("mask the webhook URL to its origin and a few characters", () => {
    const [line] = parseAuditChanges({ webhookUrl: [null, SLACK_HOOK] });
    expect(line!.before).toBe("(none)");
    expect(line!.after.startsWith("https://hooks.slack.com/")).toBe(true);
    expect(line!.after).not.toContain("zY8secretPathPart42");
    expect(line!.after).not.toContain("B0BBBBBBB");
    expect(line!.after.length).toBeLessThanOrEqual("https://hooks.slack.com/".length + 8);
  });

  it("mask email recipients to a first letter and the domain", () => {
    const [line] = parseAuditChanges({ emailRecipients: ["", "ops.team@acme.example, ceo@acme.example"] });
    expect(line!.after).not.toContain("ops.team");
    expect(line!.after).not.toContain("ceo@");
    expect(line!.after).toBe("o…@acme.example, c…@acme.example");
  });

  it("leave out every field that is not on the allow-list, whatever its name", () => {
    const lines = parseAuditChanges({
      nickname: ["a", "b"],
      internalNote: ["x", "private words"],
      webhookHeaders: [null, "Authorization: Bearer abc"],
      smtpPassword: [null, "hunter2"],
    });
    expect(lines.map((line) => line.field)).toEqual(["nickname"]);
  });

  it("say a secret changed without showing any of it", () => {
    const [line] = parseAuditChanges({ webhookSecret: ["(previous)", "whsec_really-secret-value"] });
    expect(line).toMatchObject({ before: "[redacted]", after: "[redacted]" });
  });
});
