import Link from "next/link";
import { TIMELINE_STATUS_LABELS, TIMELINE_STATUSES, type TimelineStatus } from "@/lib/timeline/buckets";
import { cn } from "@/components/ui/cn";
import { timelineHref, type FleetTimelineFilters } from "@/app/(app)/timeline/load-fleet-timeline";

/** Status chips: plain links, so the filter works without JavaScript and every state has its own URL. */
export function StatusFilter({ counts, filters }: { counts: Record<TimelineStatus | "all", number>; filters: FleetTimelineFilters }) {
  const options: { value: TimelineStatus | "all"; label: string }[] = [
    { value: "all", label: "Any status" },
    ...TIMELINE_STATUSES.map((status) => ({ value: status, label: TIMELINE_STATUS_LABELS[status] })),
  ];
  return (
    <nav aria-label="Status filter" className="mb-4 flex flex-wrap items-center gap-2 text-sm">
      <span className="text-gray-600">Status:</span>
      {options.map((option) => {
        const current = filters.status === option.value;
        return (
          <Link
            key={option.value}
            href={timelineHref(filters, { status: option.value })}
            aria-current={current ? "true" : undefined}
            className={cn(
              "rounded-full border px-3 py-1 whitespace-nowrap focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600",
              current ? "border-accent-600 bg-accent-600 text-white" : "border-gray-300 bg-white text-gray-800 hover:bg-gray-50",
            )}
          >
            {option.label} <span className={current ? "text-accent-100" : "text-gray-500"}>({counts[option.value]})</span>
          </Link>
        );
      })}
    </nav>
  );
}
