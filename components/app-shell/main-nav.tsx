"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

export const NAV_ITEMS = [
  { href: "/accounts", label: "Accounts" },
  { href: "/runs", label: "Bulk checks" },
  { href: "/timeline", label: "Timeline" },
  { href: "/audit", label: "Audit history" },
  { href: "/settings/members", label: "Settings" },
] as const;

export function MainNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="-mb-px flex gap-1 overflow-x-auto">
      {NAV_ITEMS.map((item) => {
        const current = pathname === item.href || pathname.startsWith(`${item.href}/`) || (item.href === "/settings/members" && pathname.startsWith("/settings"));
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={current ? "page" : undefined}
            className={cn(
              "rounded-t-sm border-b-2 px-3 py-3 text-sm font-medium whitespace-nowrap transition-colors",
              "focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-accent-600",
              current
                ? "border-accent-600 text-accent-700"
                : "border-transparent text-gray-600 hover:border-gray-300 hover:text-gray-900",
            )}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
