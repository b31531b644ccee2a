import Link from "next/link";
import { thresholdLines, type TimeAxis } from "@/lib/timeline/axis";
import { BUCKET_COPY } from "@/lib/timeline/buckets";
import { CursorPagination } from "@/components/ui/pagination";
import { FleetAxisHeader } from "@/components/timeline/fleet-axis-header";
import { FleetTimelineRow } from "@/components/timeline/fleet-timeline-row";
import { BUCKET_PAGE_ROWS, timelineHref, type FleetTimelineFilters, type FleetTimelineGroup as Group } from "@/app/(app)/timeline/load-fleet-timeline";

/**
 * One bucket as a collapsible section (native <details>: keyboard and screen-reader support for free), with its
 * own axis header so the scale is always in view, and either a preview with a "show all" link or a page of rows.
 */
export function FleetTimelineGroup({ group, axis, filters }: { group: Group; axis: TimeAxis; filters: FleetTimelineFilters }) {
  const copy = BUCKET_COPY[group.bucket];
  const thresholds = thresholdLines(axis);
  const headingId = `timeline-group-${group.bucket}`;
  const first = (group.page - 1) * BUCKET_PAGE_ROWS;
  return (
    <details open className="group/details rounded-lg border border-gray-200 bg-white shadow-sm" data-bucket-group={group.bucket}>
      <summary className="flex cursor-pointer flex-wrap items-baseline gap-x-3 gap-y-1 rounded-lg px-4 py-3 hover:bg-gray-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600">
        <h2 id={headingId} className="text-base font-semibold text-gray-900">
          {copy.label}
        </h2>
        <span className="text-sm text-gray-700">
          {group.total} account{group.total === 1 ? "" : "s"}
        </span>
        <span className="text-xs text-gray-500">{copy.range}</span>
      </summary>
      <div className="border-t border-gray-200 pb-2">
        <FleetAxisHeader axis={axis} />
        <ol aria-labelledby={headingId} className="divide-y divide-gray-100">
          {group.rows.map((row) => (
            <FleetTimelineRow key={row.id} row={row} axis={axis} thresholds={thresholds} />
          ))}
        </ol>
        {group.preview ? (
          <p className="px-4 pt-2 text-sm">
            <Link
              href={timelineHref(filters, { bucket: group.bucket })}
              className="font-medium text-accent-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
            >
              Show all {group.total} accounts: {copy.label.toLowerCase()}
            </Link>{" "}
            <span className="text-gray-500">(showing the {group.rows.length} that expire first)</span>
          </p>
        ) : group.pageCount > 1 ? (
          <CursorPagination
            className="px-4"
            label={`${copy.label} pages`}
            summary={`Accounts ${first + 1}–${first + group.rows.length} of ${group.total} · page ${group.page} of ${group.pageCount}`}
            previousHref={group.page > 1 ? timelineHref(filters, { page: group.page - 1 }) : undefined}
            nextHref={group.page < group.pageCount ? timelineHref(filters, { page: group.page + 1 }) : undefined}
          />
        ) : null}
      </div>
    </details>
  );
}
