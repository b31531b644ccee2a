import { describe, expect, it } from "vitest";
import { compareByExpiry, countBuckets, DAY_MS, expiryBucket, timelineStatus, type BucketInput } from "@/lib/timeline/buckets";

const NOW = new Date("2027-05-20T12:00:00.000Z");
const REFRESH_LIFETIME_SECONDS = 47_304_000;
const inDays = (days: number) => new Date(NOW.getTime() + days * DAY_MS);
const healthy = (refreshTokenExpiresAt: Date | null): BucketInput => ({ status: "healthy", verdictStatus: "healthy", refreshTokenExpiresAt });

describe("expiryBucket", () => {
  it("puts each account in the bucket its remaining refresh-token time says, bounds inclusive", () => {
    expect(expiryBucket(healthy(inDays(0.5)), NOW)).toBe("within_7");
    expect(expiryBucket(healthy(inDays(7)), NOW)).toBe("within_7");
    expect(expiryBucket(healthy(new Date(inDays(7).getTime() + 1)), NOW)).toBe("within_30");
    expect(expiryBucket(healthy(inDays(30)), NOW)).toBe("within_30");
    expect(expiryBucket(healthy(inDays(30.01)), NOW)).toBe("within_90");
    expect(expiryBucket(healthy(inDays(90)), NOW)).toBe("within_90");
    expect(expiryBucket(healthy(inDays(91)), NOW)).toBe("later");
  });

  it("treats passed, missing and revoked refresh tokens as needing re-authorization", () => {
    expect(expiryBucket(healthy(NOW), NOW)).toBe("needs_reauth");
    expect(expiryBucket(healthy(inDays(-3)), NOW)).toBe("needs_reauth");
    expect(expiryBucket(healthy(null), NOW)).toBe("needs_reauth");
    expect(expiryBucket({ status: "needs_reauth", verdictStatus: "needs_reauth", refreshTokenExpiresAt: inDays(400) }, NOW)).toBe("needs_reauth");
    // A transient eBay failure does not hide the last definite verdict.
    expect(expiryBucket({ status: "ebay_unavailable", verdictStatus: "needs_reauth", refreshTokenExpiresAt: inDays(400) }, NOW)).toBe("needs_reauth");
    expect(expiryBucket({ status: "ebay_unavailable", verdictStatus: "healthy", refreshTokenExpiresAt: inDays(400) }, NOW)).toBe("later");
  });

  it("files tokens issued 17 months ago by what is left of eBay's 47,304,000 s lifetime", () => {
    const issuedAt = (secondsAgo: number) => new Date(NOW.getTime() - secondsAgo * 1000);
    const expiryOf = (issued: Date) => new Date(issued.getTime() + REFRESH_LIFETIME_SECONDS * 1000);
    // 527.5 days ago: 20 days left.
    expect(expiryBucket(healthy(expiryOf(issuedAt(45_576_000))), NOW)).toBe("within_30");
    // 497.5 days ago: 50 days left.
    expect(expiryBucket(healthy(expiryOf(issuedAt(42_984_000))), NOW)).toBe("within_90");
    // Issued just now: the whole lifetime left.
    expect(expiryBucket(healthy(expiryOf(NOW)), NOW)).toBe("later");
  });

  it("counts every bucket, empty ones as zero", () => {
    const accounts = [healthy(inDays(2)), healthy(inDays(3)), healthy(inDays(200)), healthy(null)];
    expect(countBuckets(accounts, (account) => expiryBucket(account, NOW))).toEqual({
      needs_reauth: 1,
      within_7: 2,
      within_30: 0,
      within_90: 0,
      later: 1,
    });
  });
});

describe("timelineStatus", () => {
  it("splits healthy into expiring inside the warning window and keeps the other statuses", () => {
    expect(timelineStatus({ status: "healthy", refreshTokenExpiresAt: inDays(20) }, NOW)).toBe("expiring");
    expect(timelineStatus({ status: "healthy", refreshTokenExpiresAt: inDays(40) }, NOW)).toBe("healthy");
    expect(timelineStatus({ status: "healthy", refreshTokenExpiresAt: inDays(40) }, NOW, 60)).toBe("expiring");
    expect(timelineStatus({ status: "needs_reauth", refreshTokenExpiresAt: inDays(40) }, NOW)).toBe("needs_reauth");
    expect(timelineStatus({ status: "ebay_unavailable", refreshTokenExpiresAt: inDays(40) }, NOW)).toBe("ebay_unavailable");
    expect(timelineStatus({ status: "unchecked", refreshTokenExpiresAt: inDays(400) }, NOW)).toBe("unchecked");
    expect(timelineStatus({ status: "something_new", refreshTokenExpiresAt: inDays(400) }, NOW)).toBe("unchecked");
  });
});

describe("compareByExpiry", () => {
  it("sorts missing expiries first, then soonest, then by name and id", () => {
    const rows = [
      { id: "c", name: "zeta", refreshTokenExpiresAt: inDays(10) },
      { id: "b", name: "alpha", refreshTokenExpiresAt: inDays(10) },
      { id: "a", name: "beta", refreshTokenExpiresAt: inDays(5) },
      { id: "d", name: "gamma", refreshTokenExpiresAt: null },
    ];
    expect([...rows].sort(compareByExpiry).map((row) => row.id)).toEqual(["d", "a", "b", "c"]);
  });
});
