import { describe, expect, it } from "vitest";
import { describeStatus, daysUntil, isExpiring } from "@/lib/tokens/status-copy";
import { REAUTH_CAUSES, UNAVAILABLE_CAUSES } from "@/lib/tokens/verdict";

const NOW = new Date("2027-03-01T12:00:00Z");
const DAY = 86_400_000;

describe("describeStatus", () => {
  it("says an expired token in the seller's words", () => {
    expect(describeStatus({ status: "needs_reauth", cause: "expired" })).toEqual({
      label: "Needs re-authorization",
      tone: "bad",
      message: "eBay authorization token has expired and needs to be re-created.",
      action: "recreate",
    });
    expect(describeStatus({ status: "needs_reauth", cause: "hard_expired" }).message).toBe(
      "eBay authorization token has expired and needs to be re-created.",
    );
  });

  it("tells the seller to contact eBay before re-creating a token eBay revoked", () => {
    const copy = describeStatus({ status: "needs_reauth", cause: "revoked_by_ebay" });
    expect(copy.action).toBe("contact_ebay_then_recreate");
    expect(copy.message).toMatch(/contact eBay/i);
    expect(copy.message).toMatch(/security lock/i);
  });

  it("explains that a password change shows up as a revocation", () => {
    expect(describeStatus({ status: "needs_reauth", cause: "revoked" }).message).toMatch(/password/);
    expect(describeStatus({ status: "needs_reauth", cause: "revoked_by_user" }).message).toMatch(/password/);
  });

  it("names the wrong eBay user", () => {
    const copy = describeStatus({ status: "needs_reauth", cause: "wrong_user" });
    expect(copy.message).toMatch(/belongs to another eBay user/);
    expect(copy.action).toBe("recreate");
  });

  it("makes rejected app keys the operator's problem, with nothing for the seller to do", () => {
    const copy = describeStatus({ status: "ebay_unavailable", cause: "app_credentials_invalid", verdictStatus: "healthy" });
    expect(copy.action).toBeUndefined();
    expect(copy.message).toMatch(/operator/);
    expect(copy.message).toMatch(/nothing is wrong with this eBay account/);
  });

  it("keeps the last definite verdict visible under a transient failure", () => {
    const copy = describeStatus({
      status: "ebay_unavailable",
      cause: "timeout",
      verdictStatus: "needs_reauth",
      verdictCause: "expired",
    });
    expect(copy).toMatchObject({ label: "eBay unavailable", tone: "warn", action: "retry_later" });
    expect(copy.message).toContain("did not answer in time");
    expect(copy.message).toContain("eBay authorization token has expired and needs to be re-created.");
  });

  it("has words and an action for every cause", () => {
    for (const cause of REAUTH_CAUSES) {
      const copy = describeStatus({ status: "needs_reauth", cause });
      expect(copy.tone).toBe("bad");
      expect(copy.action === "recreate" || copy.action === "contact_ebay_then_recreate").toBe(true);
      expect(copy.message).not.toBe(describeStatus({ status: "needs_reauth", cause: "not-a-cause" }).message);
    }
    for (const cause of UNAVAILABLE_CAUSES) {
      const copy = describeStatus({ status: "ebay_unavailable", cause });
      expect(copy.tone).toBe("warn");
      expect(copy.action).toBe(cause === "app_credentials_invalid" ? undefined : "retry_later");
    }
  });

  it("covers the other states", () => {
    expect(describeStatus({ status: "unchecked" })).toMatchObject({ tone: "neutral", action: "test" });
    expect(describeStatus({ status: "healthy" })).toMatchObject({ label: "Healthy", tone: "good", action: "test" });
    expect(describeStatus({ status: "disconnected" })).toMatchObject({ tone: "neutral", action: "connect" });
    expect(describeStatus({ status: "something-else" })).toMatchObject({ label: "Unknown", tone: "neutral" });
  });

  it("turns a healthy account whose refresh token ends soon into Expiring", () => {
    const copy = describeStatus({ status: "healthy", refreshTokenExpiresAt: new Date(NOW.getTime() + 12 * DAY + 1000), now: NOW });
    expect(copy).toMatchObject({ label: "Expiring", tone: "warn", action: "recreate" });
    expect(copy.message).toContain("expires in 12 days");
    expect(describeStatus({ status: "healthy", refreshTokenExpiresAt: new Date(NOW.getTime() + 90 * DAY), now: NOW }).label).toBe("Healthy");
  });
});

describe("isExpiring", () => {
  it("is true within the warning window, including once the date has passed", () => {
    expect(isExpiring(new Date(NOW.getTime() + 30 * DAY), NOW)).toBe(true);
    expect(isExpiring(new Date(NOW.getTime() + 30 * DAY + 1), NOW)).toBe(false);
    expect(isExpiring(new Date(NOW.getTime() - DAY), NOW)).toBe(true);
    expect(isExpiring(new Date(NOW.getTime() + 6 * DAY), NOW, 7)).toBe(true);
    expect(isExpiring(new Date(NOW.getTime() + 8 * DAY), NOW, 7)).toBe(false);
    expect(isExpiring(null, NOW)).toBe(false);
  });

  it("counts whole days left", () => {
    expect(daysUntil(new Date(NOW.getTime() + 547.5 * DAY), NOW)).toBe(547);
    expect(daysUntil(new Date(NOW.getTime() + 1000), NOW)).toBe(0);
    expect(daysUntil(new Date(NOW.getTime() - 1000), NOW)).toBe(-1);
  });
});
