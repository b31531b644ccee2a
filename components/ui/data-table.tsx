import Link from "next/link";
import type { HTMLAttributes, ReactNode, TdHTMLAttributes, ThHTMLAttributes } from "react";
import { cn } from "@/components/ui/cn";

export type SortDirection = "ascending" | "descending";

/** Builds a link to the same list with some query parameters changed; empty values are dropped. */
export function hrefWithParams(
  basePath: string,
  current: Record<string, string | undefined>,
  changes: Record<string, string | undefined>,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...current, ...changes })) {
    if (value !== undefined && value !== "") params.set(key, value);
  }
  const query = params.toString();
  return query ? `${basePath}?${query}` : basePath;
}

type DataTableProps = {
  /** Names the table for screen readers (visually hidden unless showCaption). */
  caption: string;
  showCaption?: boolean;
  children: ReactNode;
  className?: string;
};

export function DataTable({ caption, showCaption = false, children, className }: DataTableProps) {
  // "relative": screen-reader-only labels in cells are absolutely positioned; without a positioned
  // scroller they escape it and widen the whole page on phones.
  return (
    <div className={cn("relative overflow-x-auto rounded-lg border border-gray-200 bg-white shadow-sm", className)}>
      <table className="min-w-full divide-y divide-gray-200 text-sm">
        <caption className={showCaption ? "px-4 py-3 text-left text-sm font-medium text-gray-700" : "sr-only"}>
          {caption}
        </caption>
        {children}
      </table>
    </div>
  );
}

export function TableHead({ className, ...props }: HTMLAttributes<HTMLTableSectionElement>) {
  return <thead className={cn("bg-gray-50", className)} {...props} />;
}

export function TableBody({ className, ...props }: HTMLAttributes<HTMLTableSectionElement>) {
  return <tbody className={cn("divide-y divide-gray-200", className)} {...props} />;
}

export function Tr({ className, ...props }: HTMLAttributes<HTMLTableRowElement>) {
  return <tr className={cn("align-top hover:bg-gray-50/60", className)} {...props} />;
}

type ThProps = Omit<ThHTMLAttributes<HTMLTableCellElement>, "children"> & {
  children: ReactNode;
  align?: "left" | "right";
  /**
   * Makes the header a sort link. `direction` is the column's current order when it is the
   * sorted column (sets aria-sort), or undefined when the list is sorted by another column.
   */
  sort?: { href: string; direction?: SortDirection };
};

export function Th({ children, align = "left", sort, className, scope = "col", ...props }: ThProps) {
  const classes = cn(
    "px-4 py-2.5 text-xs font-semibold tracking-wide text-gray-600 uppercase",
    align === "right" ? "text-right" : "text-left",
    className,
  );
  if (!sort) {
    return (
      <th scope={scope} className={classes} {...props}>
        {children}
      </th>
    );
  }
  const arrow = sort.direction === "ascending" ? "▲" : sort.direction === "descending" ? "▼" : "↕";
  return (
    <th scope={scope} aria-sort={sort.direction ?? "none"} className={classes} {...props}>
      <Link
        href={sort.href}
        className="inline-flex items-center gap-1 rounded uppercase hover:text-gray-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
      >
        {children}
        <span aria-hidden="true" className={cn("text-[10px]", sort.direction ? "text-gray-700" : "text-gray-400")}>
          {arrow}
        </span>
        <span className="sr-only">
          {sort.direction === "ascending" ? ", sort descending" : ", sort ascending"}
        </span>
      </Link>
    </th>
  );
}

type TdProps = TdHTMLAttributes<HTMLTableCellElement> & { align?: "left" | "right" };

export function Td({ align = "left", className, ...props }: TdProps) {
  return (
    <td
      className={cn("px-4 py-3 text-gray-800", align === "right" ? "text-right" : "text-left", className)}
      {...props}
    />
  );
}
