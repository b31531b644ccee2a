import Link from "next/link";
import { can, type Role } from "@/lib/auth/roles";
import { cn } from "@/components/ui/cn";

const TABS = [
  { href: "/settings/members", label: "Members", permission: "members:read" },
  { href: "/settings", label: "Alerts", permission: "alerts:manage" },
  { href: "/settings/api-keys", label: "API keys", permission: "api_keys:manage" },
  { href: "/settings/webhooks", label: "Webhooks", permission: "webhooks:manage" },
  { href: "/settings/api", label: "API reference", permission: "members:read" },
] as const;

/** The settings sections this role may open. */
export function SettingsTabs({ role, current }: { role: Role; current: string }) {
  return (
    <nav aria-label="Settings" className="mb-6 flex flex-wrap gap-2">
      {TABS.filter((tab) => can(role, tab.permission)).map((tab) => (
        <Link
          key={tab.href}
          href={tab.href}
          aria-current={tab.href === current ? "page" : undefined}
          className={cn(
            "rounded-md border px-3 py-1.5 text-sm font-medium",
            tab.href === current ? "border-accent-600 bg-accent-50 text-accent-700" : "border-gray-300 bg-white text-gray-700 hover:bg-gray-50",
          )}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
