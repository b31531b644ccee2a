import Link from "next/link";
import { workspaceTags } from "@/lib/accounts/update-tags";
import type { Metadata } from "next";
import { db } from "@/lib/db";
import { now } from "@/lib/clock";
import { can } from "@/lib/auth/roles";
import { requireWorkspace } from "@/lib/auth/session";
import { formatTimestamp } from "@/lib/format/relative-time";
import { BUCKET_COPY, TIMELINE_STATUS_LABELS } from "@/lib/timeline/buckets";
import { PageHeader } from "@/components/ui/page-header";
import { Button, buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { BucketFilters } from "@/components/timeline/bucket-filters";
import { StatusFilter } from "@/components/timeline/status-filter";
import { TimelineLegend } from "@/components/timeline/timeline-legend";
import { FleetTimelineGroup } from "@/components/timeline/fleet-timeline-group";
import { ConnectAccountButton } from "@/components/accounts/connect-account-button";
import { loadFleetTimeline, parseFleetTimelineFilters, timelineHref } from "./load-fleet-timeline";

export const metadata: Metadata = { title: "Expiry timeline · ChannelKeys" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function TimelinePage({ searchParams }: { searchParams: SearchParams }) {
  const { workspace, role } = await requireWorkspace("accounts:read");
  const filters = parseFleetTimelineFilters(await searchParams);
  const [timeline, tags] = await Promise.all([loadFleetTimeline(db, { workspaceId: workspace.id, now: now(), filters }), workspaceTags(db, workspace.id)]);
  const filtered = filters.bucket !== "all" || filters.status !== "all";
  const filterDescription = [
    filters.bucket !== "all" ? BUCKET_COPY[filters.bucket].label.toLowerCase() : null,
    filters.status !== "all" ? `status ${TIMELINE_STATUS_LABELS[filters.status].toLowerCase()}` : null,
  ]
    .filter(Boolean)
    .join(", ");

  return (
    <>
      <PageHeader
        title="Expiry timeline"
        description={`Every connected eBay account on one axis, from today to 18 months ahead, soonest expiry first. Today is ${formatTimestamp(timeline.now)}.`}
        actions={
          timeline.fleetSize > 0 ? (
            // A plain anchor: a file download, not a client-side navigation.
            <a href="/timeline/calendar.ics" download className={buttonClasses({ variant: "secondary" })}>
              Download calendar (.ics)
            </a>
          ) : undefined
        }
      />
      {timeline.fleetSize === 0 ? (
        <EmptyState
          title="No eBay accounts to show yet"
          description="Connect an eBay account and its token's lifetime appears here, with a warning well before it ends."
          action={can(role, "accounts:connect") ? <ConnectAccountButton /> : undefined}
        />
      ) : (
        <>
          <BucketFilters counts={timeline.counts} filters={filters} />
          <StatusFilter counts={timeline.statusCounts} filters={filters} />
          {tags.length > 0 ? (
            <nav aria-label="Tag filter" className="mb-4 flex flex-wrap items-center gap-2 text-sm">
              <span className="text-gray-600">Tag:</span>
              {[null, ...tags].map((tag) => (
                <Link
                  key={tag ?? "any"}
                  href={timelineHref(filters, { tag })}
                  aria-current={(filters.tag ?? null) === tag ? "true" : undefined}
                  className={(filters.tag ?? null) === tag ? "font-semibold text-accent-700" : "text-gray-800 underline"}
                >
                  {tag ?? "Any tag"}
                </Link>
              ))}
            </nav>
          ) : null}
          <TimelineLegend />
          <p className="sr-only" role="status">
            {filtered ? `Showing accounts filtered by ${filterDescription}.` : "Showing every account, grouped by when its refresh token expires."}
          </p>
          {timeline.groups.length === 0 ? (
            <EmptyState
              title="No accounts match these filters"
              description={`Nothing is filed under ${filterDescription}.`}
              action={<Button href={timelineHref(filters, { bucket: "all", status: "all" })}>Show every account</Button>}
            />
          ) : (
            <div className="space-y-4">
              {timeline.groups.map((group) => (
                <FleetTimelineGroup key={group.bucket} group={group} axis={timeline.axis} filters={filters} />
              ))}
            </div>
          )}
        </>
      )}
    </>
  );
}
