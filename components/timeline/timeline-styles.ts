import type { CSSProperties } from "react";
import type { TimelineStatus } from "@/lib/timeline/buckets";
import type { EventTone } from "@/lib/timeline/events";
import type { BadgeTone } from "@/components/ui/badge";

// One palette for bars, legend swatches and badges. Colour is never the only carrier: every bar sits next to its
// status in words, and eBay unavailable is striped as well as coloured.
type StatusStyle = { bar: string; barStyle?: CSSProperties; badge: BadgeTone };

const STRIPES: CSSProperties = {
  backgroundImage: "repeating-linear-gradient(135deg, rgb(249 115 22) 0 4px, rgb(254 215 170) 4px 8px)",
};

export const STATUS_STYLES: Record<TimelineStatus, StatusStyle> = {
  healthy: { bar: "bg-green-600", badge: "good" },
  expiring: { bar: "bg-amber-500", badge: "warn" },
  needs_reauth: { bar: "bg-red-600", badge: "bad" },
  ebay_unavailable: { bar: "bg-orange-500", barStyle: STRIPES, badge: "warn" },
  unchecked: { bar: "bg-slate-400", badge: "neutral" },
};

export const TONE_FILL: Record<EventTone, string> = {
  good: "bg-green-600",
  warn: "bg-orange-500",
  bad: "bg-red-600",
  neutral: "bg-slate-500",
};
