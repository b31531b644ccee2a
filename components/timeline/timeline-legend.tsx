import { TIMELINE_STATUS_LABELS, TIMELINE_STATUSES } from "@/lib/timeline/buckets";
import { cn } from "@/components/ui/cn";
import { STATUS_STYLES, TONE_FILL } from "@/components/timeline/timeline-styles";

/** Every colour and mark on the timeline, named. */
export function TimelineLegend() {
  return (
    <section aria-labelledby="timeline-legend" className="mb-4 rounded-md border border-gray-200 bg-white px-4 py-3 text-xs text-gray-700">
      <h2 id="timeline-legend" className="sr-only">
        Legend
      </h2>
      <ul className="flex flex-wrap items-center gap-x-5 gap-y-2">
        {TIMELINE_STATUSES.map((status) => (
          <li key={status} className="flex items-center gap-1.5">
            <span aria-hidden="true" className={cn("inline-block h-3 w-6 rounded-sm", STATUS_STYLES[status].bar)} style={STATUS_STYLES[status].barStyle} />
            {TIMELINE_STATUS_LABELS[status]}
          </li>
        ))}
        <li className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-3 w-6 rounded-sm bg-green-600 opacity-35" />
          pale: refresh-token lifetime already used
        </li>
        <li className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-4 w-0.5 bg-gray-900" />
          refresh token expires
        </li>
        <li className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-4 w-1 rounded-sm bg-violet-700" />
          Auth&apos;n&apos;Auth token expires (18 months, cannot be renewed)
        </li>
        <li className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block size-2 rotate-45 bg-accent-700" />
          access token expires
        </li>
        <li className="flex items-center gap-1.5">
          <span aria-hidden="true" className="flex gap-0.5">
            <span className={cn("inline-block h-1.5 w-1 rounded-full", TONE_FILL.good)} />
            <span className={cn("inline-block h-1.5 w-1 rounded-full", TONE_FILL.warn)} />
            <span className={cn("inline-block h-1.5 w-1 rounded-full", TONE_FILL.bad)} />
          </span>
          checks (one mark a day: healthy, eBay unavailable, needs re-authorization)
        </li>
        <li className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-4 w-0.5 bg-accent-600" />
          today
        </li>
        <li className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-4 border-l border-dashed border-gray-500" />
          7, 30 and 90 days from today
        </li>
      </ul>
    </section>
  );
}
