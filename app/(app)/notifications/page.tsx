import type { Metadata } from "next";
import Link from "next/link";
import { db } from "@/lib/db";
import { now } from "@/lib/clock";
import { can } from "@/lib/auth/roles";
import { requireWorkspace } from "@/lib/auth/session";
import { listWarnings, NOTIFICATIONS_PAGE_SIZE } from "@/lib/warnings/warning-queries";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { RelativeTime } from "@/components/accounts/relative-time";
import { WarningKindBadge } from "@/components/warnings/warning-kind-badge";
import { MarkAllReadButton, MarkReadButton } from "@/components/warnings/mark-read-button";

export const metadata: Metadata = { title: "Notifications · ChannelKeys" };

export default async function NotificationsPage() {
  const { workspace, role, user } = await requireWorkspace("accounts:read");
  const warnings = await listWarnings(db, { workspaceId: workspace.id, userId: user.id });
  const nowIso = now().toISOString();
  const unread = warnings.filter((warning) => warning.readAt === null).length;

  return (
    <>
      <PageHeader
        title="Notifications"
        description="Warnings about your eBay accounts, newest first. Each one names the account, says why, and links to the fix. Resolved warnings are greyed out."
        actions={
          <>
            <MarkAllReadButton disabled={unread === 0} />
            {can(role, "alerts:manage") ? <Button href="/settings">Alert settings</Button> : null}
          </>
        }
      />
      {warnings.length === 0 ? (
        <EmptyState
          title="No notifications yet"
          description="When an account needs re-authorization, its token is about to expire, or eBay stays unreachable for it, you will see it here (and by email or webhook, if set up)."
        />
      ) : (
        <ul className="divide-y divide-gray-200 rounded-lg border border-gray-200 bg-white shadow-sm" aria-label="Notifications">
          {warnings.map((warning) => {
            const resolved = warning.resolvedAt !== null;
            const read = warning.readAt !== null;
            return (
              <li
                key={warning.id}
                data-testid="notification"
                data-kind={warning.kind}
                data-read={read ? "true" : "false"}
                data-resolved={resolved ? "true" : "false"}
                className={cn("flex flex-wrap items-start gap-4 px-5 py-4", resolved ? "bg-gray-50 text-gray-500" : "text-gray-900", !read && !resolved ? "border-l-4 border-l-accent-600" : undefined)}
              >
                <div className="min-w-0 flex-1 space-y-1">
                  <div className="flex flex-wrap items-center gap-2">
                    <WarningKindBadge kind={warning.kind} />
                    {resolved && warning.kind !== "recovered" ? <Badge tone="neutral">Resolved</Badge> : null}
                    {!read ? <span className="text-xs font-semibold text-accent-700">Unread</span> : null}
                  </div>
                  <p className={cn("font-medium", resolved ? "text-gray-600" : "text-gray-900")}>{warning.title}</p>
                  <p className="text-sm">{warning.message}</p>
                  <p className="flex flex-wrap gap-x-3 text-xs text-gray-500">
                    <RelativeTime value={warning.createdAt.toISOString()} now={nowIso} />
                    {warning.emailedAt ? <span>Emailed</span> : null}
                    {warning.webhookSentAt ? <span>Sent to webhook</span> : null}
                    {warning.deliveryError ? <span className="text-red-700">Not delivered: {warning.deliveryError}</span> : null}
                  </p>
                </div>
                <div className="flex shrink-0 items-start gap-2">
                  {warning.fixPath && !resolved ? (
                    <Button href={warning.fixPath} size="sm" variant={warning.kind === "needs_reauth" || warning.kind === "expiring" ? "primary" : "secondary"}>
                      {warning.kind === "needs_reauth" || warning.kind === "expiring" ? "Fix: re-create token" : "Open account"}
                    </Button>
                  ) : warning.fixPath ? (
                    <Link href={warning.fixPath} className="text-sm underline underline-offset-2">
                      Open account
                    </Link>
                  ) : null}
                  <MarkReadButton warningId={warning.id} read={read} title={warning.title} />
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {warnings.length === NOTIFICATIONS_PAGE_SIZE ? (
        <p className="mt-3 text-sm text-gray-600">Showing the latest {NOTIFICATIONS_PAGE_SIZE} notifications.</p>
      ) : null}
    </>
  );
}
