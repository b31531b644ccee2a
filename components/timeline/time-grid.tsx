import type { ThresholdLine } from "@/lib/timeline/axis";

/**
 * The lines every track shares: the past shaded, the warning thresholds dashed, today solid. Decorative (the
 * header names them), so hidden from assistive technology.
 */
export function TimeGrid({ todayPercent, thresholds }: { todayPercent: number; thresholds: ThresholdLine[] }) {
  return (
    <div aria-hidden="true" className="pointer-events-none absolute inset-0">
      <div className="absolute inset-y-0 left-0 bg-gray-100" style={{ width: `${todayPercent}%` }} />
      {thresholds.map((line) => (
        <div key={line.days} className="absolute inset-y-0 border-l border-dashed border-gray-300" style={{ left: `${line.percent}%` }} />
      ))}
      <div className="absolute inset-y-0 w-0.5 -translate-x-1/2 bg-accent-600" style={{ left: `${todayPercent}%` }} />
    </div>
  );
}
