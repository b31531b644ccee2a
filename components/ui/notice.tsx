import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";

export type NoticeTone = "info" | "success" | "warning" | "error";

const TONES: Record<NoticeTone, { box: string; icon: string; glyph: string }> = {
  info: { box: "border-accent-200 bg-accent-50 text-accent-900", icon: "text-accent-600", glyph: "i" },
  success: { box: "border-green-200 bg-green-50 text-green-900", icon: "text-green-600", glyph: "✓" },
  warning: { box: "border-amber-200 bg-amber-50 text-amber-900", icon: "text-amber-600", glyph: "!" },
  error: { box: "border-red-200 bg-red-50 text-red-900", icon: "text-red-600", glyph: "!" },
};

type NoticeProps = {
  tone?: NoticeTone;
  title?: ReactNode;
  children?: ReactNode;
  /** Buttons or links beside the message, e.g. "Re-create token". */
  action?: ReactNode;
  /**
   * Errors are announced assertively (role="alert"), everything else politely (role="status").
   * Pass false for a notice rendered with the page, where announcing it again is noise.
   * Note: Next.js's route announcer also has role="alert"; tests should match by text.
   */
  live?: boolean;
  className?: string;
  id?: string;
};

export function Notice({ tone = "info", title, children, action, live = true, className, id }: NoticeProps) {
  const colours = TONES[tone];
  const role = live ? (tone === "error" ? "alert" : "status") : undefined;
  return (
    <div id={id} role={role} className={cn("flex gap-3 rounded-md border px-4 py-3 text-sm", colours.box, className)}>
      <span
        aria-hidden="true"
        className={cn(
          "mt-0.5 flex size-4 shrink-0 items-center justify-center rounded-full border border-current text-[10px] font-bold",
          colours.icon,
        )}
      >
        {colours.glyph}
      </span>
      <div className="min-w-0 flex-1">
        {title ? <p className="font-semibold">{title}</p> : null}
        {children ? <div className={cn(title ? "mt-1" : undefined, "[&_a]:font-medium [&_a]:underline")}>{children}</div> : null}
      </div>
      {action ? <div className="flex shrink-0 items-start gap-2">{action}</div> : null}
    </div>
  );
}
