// Which expiry bucket and which timeline status an account falls in, judged at an injected `now`.
// The fleet timeline's counts, filters, colours and sort order all come from here.
import { DEFAULT_EXPIRY_WARNING_DAYS, isExpiring } from "@/lib/tokens/status-copy";
import { earliestTokenExpiry } from "@/lib/tokens/credentials";

export const DAY_MS = 86_400_000;

/** Ordered from most to least urgent: the order groups appear in on the page. */
export const EXPIRY_BUCKETS = ["needs_reauth", "within_7", "within_30", "within_90", "later"] as const;
export type ExpiryBucket = (typeof EXPIRY_BUCKETS)[number];

/** Warning thresholds drawn on the axis; the buckets end at the same days. */
export const WARNING_THRESHOLD_DAYS = [7, 30, 90] as const;

type BucketCopy = {
  /** Short name for filters and group headings. */
  label: string;
  /** "3 expire within 7 days": the count is put in front. */
  phrase: (count: number) => string;
  /** What exactly is in it, for the filter's description. */
  range: string;
};

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export const BUCKET_COPY: Record<ExpiryBucket, BucketCopy> = {
  needs_reauth: {
    label: "Expired or needs re-authorization",
    phrase: (count) => `${plural(count, "needs", "need")} re-authorization`,
    range: "refresh token expired, revoked or missing",
  },
  within_7: {
    label: "Within 7 days",
    phrase: (count) => `${plural(count, "expires", "expire")} within 7 days`,
    range: "up to 7 days from today",
  },
  within_30: {
    label: "Within 30 days",
    phrase: (count) => `${plural(count, "expires", "expire")} within 30 days`,
    range: "more than 7, up to 30 days from today",
  },
  within_90: {
    label: "Within 90 days",
    phrase: (count) => `${plural(count, "expires", "expire")} within 90 days`,
    range: "more than 30, up to 90 days from today",
  },
  later: {
    label: "Later",
    phrase: (count) => `${plural(count, "expires", "expire")} later`,
    range: "more than 90 days from today",
  },
};

export function isExpiryBucket(value: unknown): value is ExpiryBucket {
  return typeof value === "string" && (EXPIRY_BUCKETS as readonly string[]).includes(value);
}

/** What a bucket is judged from; a subset of the account row. */
export type BucketInput = {
  status: string;
  verdictStatus: string;
  refreshTokenExpiresAt: Date | null;
  /** An Auth'n'Auth token's hard expiry: the account's date is the earlier of the two. */
  authNAuthExpiresAt?: Date | null;
};

/**
 * The bucket of one account. Needs-re-authorization wins over any date (its refresh token is dead whatever the
 * date says), including a transient eBay failure that hides a needs-re-authorization verdict. Otherwise the time
 * left on the refresh token decides; the bounds are inclusive (exactly 7 days left is "within 7 days").
 */
export function expiryBucket(account: BucketInput, now: Date): ExpiryBucket {
  if (account.status === "needs_reauth") return "needs_reauth";
  if (account.status === "ebay_unavailable" && account.verdictStatus === "needs_reauth") return "needs_reauth";
  const expiresAt = earliestTokenExpiry(account);
  if (!expiresAt) return "needs_reauth";
  const left = expiresAt.getTime() - now.getTime();
  if (left <= 0) return "needs_reauth";
  if (left <= 7 * DAY_MS) return "within_7";
  if (left <= 30 * DAY_MS) return "within_30";
  if (left <= 90 * DAY_MS) return "within_90";
  return "later";
}

export type BucketCounts = Record<ExpiryBucket, number>;

export function countBuckets<T>(items: readonly T[], bucketOf: (item: T) => ExpiryBucket): BucketCounts {
  const counts: BucketCounts = { needs_reauth: 0, within_7: 0, within_30: 0, within_90: 0, later: 0 };
  for (const item of items) counts[bucketOf(item)] += 1;
  return counts;
}

/** The status a bar is coloured and labelled by: the account's status, with healthy split into expiring. */
export const TIMELINE_STATUSES = ["needs_reauth", "expiring", "ebay_unavailable", "unchecked", "healthy"] as const;
export type TimelineStatus = (typeof TIMELINE_STATUSES)[number];

export const TIMELINE_STATUS_LABELS: Record<TimelineStatus, string> = {
  needs_reauth: "Needs re-authorization",
  expiring: "Expiring",
  ebay_unavailable: "eBay unavailable",
  unchecked: "Not checked yet",
  healthy: "Healthy",
};

export function isTimelineStatus(value: unknown): value is TimelineStatus {
  return typeof value === "string" && (TIMELINE_STATUSES as readonly string[]).includes(value);
}

export function timelineStatus(
  account: { status: string; refreshTokenExpiresAt: Date | null; authNAuthExpiresAt?: Date | null },
  now: Date,
  warningDays: number = DEFAULT_EXPIRY_WARNING_DAYS,
): TimelineStatus {
  switch (account.status) {
    case "needs_reauth":
    case "ebay_unavailable":
    case "unchecked":
      return account.status;
    case "healthy":
      return isExpiring(earliestTokenExpiry(account), now, warningDays) ? "expiring" : "healthy";
    default:
      return "unchecked";
  }
}

/**
 * Most urgent first: earliest refresh expiry, accounts without one first (they are dead already), then by name
 * so the order is stable between renders.
 */
export function compareByExpiry(
  a: { refreshTokenExpiresAt: Date | null; authNAuthExpiresAt?: Date | null; name: string; id: string },
  b: { refreshTokenExpiresAt: Date | null; authNAuthExpiresAt?: Date | null; name: string; id: string },
): number {
  const aTime = earliestTokenExpiry(a)?.getTime() ?? Number.NEGATIVE_INFINITY;
  const bTime = earliestTokenExpiry(b)?.getTime() ?? Number.NEGATIVE_INFINITY;
  if (aTime !== bTime) return aTime < bTime ? -1 : 1;
  const byName = a.name.localeCompare(b.name, "en");
  return byName !== 0 ? byName : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
