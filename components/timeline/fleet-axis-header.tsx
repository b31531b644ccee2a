import { monthTicks, positionPercent, thresholdLines, type TimeAxis } from "@/lib/timeline/axis";
import { TimeGrid } from "@/components/timeline/time-grid";
import { FLEET_COLUMNS } from "@/components/timeline/fleet-timeline-row";

/** Month labels, "Today" and the 7/30/90-day lines above a group's rows, aligned with the rows' track column. */
export function FleetAxisHeader({ axis }: { axis: TimeAxis }) {
  const today = positionPercent(axis, axis.nowMs);
  const thresholds = thresholdLines(axis);
  return (
    <div className={`${FLEET_COLUMNS} border-b border-gray-200 px-3 pb-1 text-[11px] text-gray-600`} aria-hidden="true">
      <div className="self-end font-medium">Account</div>
      <div className="relative h-12">
        <TimeGrid todayPercent={today} thresholds={[]} />
        <span className="absolute top-0 -translate-x-1/2 rounded bg-accent-600 px-1 font-semibold text-white" style={{ left: `${today}%` }}>
          Today
        </span>
        {thresholds.map((line) => (
          <span key={line.days} className="absolute top-5 border-l border-dashed border-gray-400 pl-0.5 leading-none" style={{ left: `${line.percent}%` }}>
            {line.label}
          </span>
        ))}
        {monthTicks(axis).map((tick) => (
          <span key={tick.percent} className="absolute bottom-0 border-l border-gray-300 pl-0.5 leading-tight whitespace-nowrap" style={{ left: `${tick.percent}%` }}>
            {/* A month is ~3% of the width: January shows its year instead of its name, so labels never collide. */}
            {tick.label === "Jan" && tick.yearLabel ? <span className="font-semibold">{tick.yearLabel}</span> : tick.label}
          </span>
        ))}
      </div>
      <div className="self-end text-right font-medium">Refresh token</div>
    </div>
  );
}
