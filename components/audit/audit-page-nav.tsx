import Link from "next/link";
import type { ReactNode } from "react";
import { buttonClasses } from "@/components/ui/button";

type AuditPageNavProps = {
  /** Undefined on the newest page. */
  newerHref?: string;
  /** Undefined on the oldest page. */
  olderHref?: string;
  summary?: ReactNode;
};

/** Newer/Older links: the history moves through time, so the words say which way. */
export function AuditPageNav({ newerHref, olderHref, summary }: AuditPageNavProps) {
  return (
    <nav aria-label="Audit history pages" className="flex flex-wrap items-center justify-between gap-3 py-3">
      <div className="text-sm text-gray-600">{summary}</div>
      <div className="flex gap-2">
        <NavLink href={newerHref} rel="prev">
          <span aria-hidden="true">←</span> Newer
        </NavLink>
        <NavLink href={olderHref} rel="next">
          Older <span aria-hidden="true">→</span>
        </NavLink>
      </div>
    </nav>
  );
}

function NavLink({ href, rel, children }: { href?: string; rel: "prev" | "next"; children: ReactNode }) {
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
