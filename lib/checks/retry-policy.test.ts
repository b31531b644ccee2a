import { describe, expect, it } from "vitest";
import { decideRetry } from "@/lib/checks/retry-policy";
import { checkRunSettingsFromEnv } from "@/lib/checks/check-run-settings";

const settings = { ...checkRunSettingsFromEnv({}), retryBaseMs: 1000, maxAttempts: 3, maxRetryWaitSeconds: 300 };

describe("decideRetry", () => {
  it("never retries a definite verdict", () => {
    expect(decideRetry({ status: "healthy", cause: null }, 1, settings)).toEqual({ kind: "final" });
    expect(decideRetry({ status: "needs_reauth", cause: "revoked" }, 1, settings)).toEqual({ kind: "final" });
  });

  it("backs off exponentially when eBay sent no Retry-After (the verdict's default)", () => {
    expect(decideRetry({ status: "ebay_unavailable", cause: "server_error", retryAfterSeconds: 60 }, 1, settings)).toEqual({
      kind: "retry",
      delayMs: 1000,
      rateLimited: false,
    });
    expect(decideRetry({ status: "ebay_unavailable", cause: "timeout", retryAfterSeconds: 60 }, 2, settings)).toMatchObject({ delayMs: 2000 });
  });

  it("honours eBay's Retry-After and slows the whole run on a rate limit", () => {
    expect(decideRetry({ status: "ebay_unavailable", cause: "rate_limited", retryAfterSeconds: 7, retryAfterFromEbay: true }, 1, settings)).toEqual({
      kind: "retry",
      delayMs: 7000,
      rateLimited: true,
    });
  });

  it("honours a wait eBay stated even when it equals the verdict's own default", () => {
    expect(
      decideRetry({ status: "ebay_unavailable", cause: "server_error", retryAfterSeconds: 60, retryAfterFromEbay: true }, 1, settings),
    ).toMatchObject({ kind: "retry", delayMs: 60_000 });
    expect(
      decideRetry({ status: "ebay_unavailable", cause: "rate_limited", retryAfterSeconds: 200, retryAfterFromEbay: true }, 1, settings),
    ).toMatchObject({ kind: "retry", delayMs: 200_000 });
  });

  it("stops after the attempt limit, for the operator's own key problem, and for waits longer than a run holds", () => {
    expect(decideRetry({ status: "ebay_unavailable", cause: "server_error", retryAfterSeconds: 60 }, 3, settings)).toEqual({ kind: "final" });
    expect(decideRetry({ status: "ebay_unavailable", cause: "app_credentials_invalid", retryAfterSeconds: 3600 }, 1, settings)).toEqual({ kind: "final" });
    expect(decideRetry({ status: "ebay_unavailable", cause: "rate_limited", retryAfterSeconds: 3000, retryAfterFromEbay: true }, 1, settings)).toEqual({ kind: "final" });
  });
});
