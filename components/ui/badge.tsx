import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";

export type BadgeTone = "good" | "warn" | "bad" | "neutral" | "info";

const TONES: Record<BadgeTone, { badge: string; dot: string }> = {
  good: { badge: "border-green-200 bg-green-50 text-green-800", dot: "bg-green-600" },
  warn: { badge: "border-amber-200 bg-amber-50 text-amber-900", dot: "bg-amber-500" },
  bad: { badge: "border-red-200 bg-red-50 text-red-800", dot: "bg-red-600" },
  neutral: { badge: "border-slate-200 bg-slate-100 text-slate-700", dot: "bg-slate-500" },
  info: { badge: "border-accent-200 bg-accent-50 text-accent-800", dot: "bg-accent-600" },
};

type BadgeProps = {
  tone?: BadgeTone;
  /** A coloured dot before the text; the text itself must carry the meaning (colour alone is not enough). */
  dot?: boolean;
  title?: string;
  className?: string;
  children: ReactNode;
};

export function Badge({ tone = "neutral", dot = false, title, className, children }: BadgeProps) {
  const colours = TONES[tone];
  return (
    <span
      title={title}
      className={cn(
        "inline-flex items-center gap-1.5 rounded-full border px-2 py-0.5 text-xs font-medium whitespace-nowrap",
        colours.badge,
        className,
      )}
    >
      {dot ? <span aria-hidden="true" className={cn("size-1.5 rounded-full", colours.dot)} /> : null}
      {children}
    </span>
  );
}
