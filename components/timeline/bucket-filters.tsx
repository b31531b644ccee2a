import Link from "next/link";
import { BUCKET_COPY, EXPIRY_BUCKETS, type BucketCounts, type ExpiryBucket } from "@/lib/timeline/buckets";
import { cn } from "@/components/ui/cn";
import { timelineHref, type FleetTimelineFilters } from "@/app/(app)/timeline/load-fleet-timeline";

const ACCENTS: Record<ExpiryBucket, string> = {
  needs_reauth: "border-l-red-600",
  within_7: "border-l-red-500",
  within_30: "border-l-amber-500",
  within_90: "border-l-yellow-400",
  later: "border-l-green-600",
};

/** The counts are the filters: "3 expire within 7 days" is a link to exactly those three. */
export function BucketFilters({ counts, filters }: { counts: BucketCounts; filters: FleetTimelineFilters }) {
  const total = EXPIRY_BUCKETS.reduce((sum, bucket) => sum + counts[bucket], 0);
  return (
    <nav aria-label="Expiry buckets" className="mb-4">
      <ul className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6">
        <li>
          <BucketLink href={timelineHref(filters, { bucket: "all" })} current={filters.bucket === "all"} accent="border-l-accent-600">
            <span className="block text-2xl font-semibold text-gray-900">{total}</span>{" "}
            <span className="block text-sm text-gray-700">All accounts</span>
          </BucketLink>
        </li>
        {EXPIRY_BUCKETS.map((bucket) => (
          <li key={bucket}>
            <BucketLink href={timelineHref(filters, { bucket })} current={filters.bucket === bucket} accent={ACCENTS[bucket]} bucket={bucket}>
              <span className="block text-2xl font-semibold text-gray-900">{counts[bucket]}</span>{" "}
              <span className="block text-sm text-gray-700">{BUCKET_COPY[bucket].phrase(counts[bucket]).replace(/^\d+ /, "")}</span>
            </BucketLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function BucketLink({ href, current, accent, bucket, children }: { href: string; current: boolean; accent: string; bucket?: ExpiryBucket; children: React.ReactNode }) {
  return (
    <Link
      href={href}
      aria-current={current ? "true" : undefined}
      data-bucket-filter={bucket ?? "all"}
      className={cn(
        "block h-full rounded-md border border-l-4 bg-white px-3 py-2 shadow-sm hover:bg-gray-50",
        "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600",
        accent,
        current ? "border-accent-600 ring-2 ring-accent-600" : "border-gray-200",
      )}
    >
      {children}
    </Link>
  );
}
