import Link from "next/link";
import type { ReactNode } from "react";
import { buttonClasses } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

type CursorPaginationProps = {
  /** Undefined on the first page. */
  previousHref?: string;
  /** Undefined on the last page. */
  nextHref?: string;
  /** e.g. "Showing 50 events" */
  summary?: ReactNode;
  label?: string;
  /** Words for the two directions where "Previous"/"Next" would be vague, e.g. "Newer"/"Older" in a history. */
  previousLabel?: string;
  nextLabel?: string;
  className?: string;
};

/** Previous/next links for cursor pagination; an unavailable direction stays visible but inert. */
export function CursorPagination({
  previousHref,
  nextHref,
  summary,
  label = "Pagination",
  previousLabel = "Previous",
  nextLabel = "Next",
  className,
}: CursorPaginationProps) {
  return (
    <nav aria-label={label} className={cn("flex flex-wrap items-center justify-between gap-3 py-3", className)}>
      <div className="text-sm text-gray-600">{summary}</div>
      <div className="flex gap-2">
        <PageLink href={previousHref} rel="prev">
          <span aria-hidden="true">←</span> {previousLabel}
        </PageLink>
        <PageLink href={nextHref} rel="next">
          {nextLabel} <span aria-hidden="true">→</span>
        </PageLink>
      </div>
    </nav>
  );
}

function PageLink({ href, rel, children }: { href?: string; rel: "prev" | "next"; children: ReactNode }) {
  const classes = buttonClasses({ variant: "secondary", size: "sm" });
  if (!href) {
    return (
      <span aria-disabled="true" className={classes}>
        {children}
      </span>
    );
  }
  return (
    <Link href={href} rel={rel} className={classes}>
      {children}
    </Link>
  );
}
