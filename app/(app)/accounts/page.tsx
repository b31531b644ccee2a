import type { Metadata } from "next";
import { db } from "@/lib/db";
import { now } from "@/lib/clock";
import { can } from "@/lib/auth/roles";
import { requireWorkspace } from "@/lib/auth/session";
import { describeNotice } from "@/lib/accounts/notices";
import { listAccounts } from "@/lib/accounts/list-accounts";
import { parseAccountsView } from "@/lib/accounts/list-view";
import { PageHeader } from "@/components/ui/page-header";
import { AccountsTable } from "@/components/accounts/accounts-table";
import { ConnectAccountButton, ConnectAuthNAuthButton } from "@/components/accounts/connect-account-button";
import { RedirectNotice } from "@/components/accounts/redirect-notice";
import { Button } from "@/components/ui/button";
import { workspaceTags } from "@/lib/accounts/update-tags";
import Link from "next/link";

export const metadata: Metadata = { title: "eBay accounts · ChannelKeys" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AccountsPage({ searchParams }: { searchParams: SearchParams }) {
  const { workspace, role } = await requireWorkspace("accounts:read");
  const params = await searchParams;
  const view = parseAccountsView(params);
  const at = now();
  // One page of rows (filtered, sorted and paged in PostgreSQL) and the filter counts: the table and its
  // react-query cache start from this, never from the whole fleet.
  const accountsPage = await listAccounts(db, { workspaceId: workspace.id, view, now: at });
  const permissions = {
    canTest: can(role, "accounts:test"),
    canRecreate: can(role, "accounts:recreate"),
    canConnect: can(role, "accounts:connect"),
    canTag: can(role, "accounts:tag"),
  };
  const tags = await workspaceTags(db, workspace.id);
  // The table shows its own "connect your first account" empty state when nothing is connected.
  const showsEmptyState = accountsPage.counts.all === 0 && view.filter === "all";

  return (
    <>
      <PageHeader
        title="eBay accounts"
        description="Every eBay account connected to this workspace, the health of its token and when it expires."
        actions={
          permissions.canConnect && !showsEmptyState ? (
            <div className="flex flex-wrap items-start gap-2">
              {can(role, "accounts:import") ? <Button href="/accounts/import">Import from CSV</Button> : null}
              <ConnectAuthNAuthButton />
              <ConnectAccountButton />
            </div>
          ) : undefined
        }
      />
      {tags.length > 0 ? (
        <nav aria-label="Filter by tag" className="mb-3 flex flex-wrap items-center gap-2 text-sm">
          <span className="text-gray-700">Tag:</span>
          <Link href="/accounts" aria-current={view.tag ? undefined : "page"} className={view.tag ? "underline" : "font-semibold"}>
            Any tag
          </Link>
          {tags.map((tag) => (
            <Link key={tag} href={`/accounts?tag=${encodeURIComponent(tag)}`} aria-current={view.tag === tag ? "page" : undefined} className={view.tag === tag ? "font-semibold" : "underline"}>
              {tag}
            </Link>
          ))}
        </nav>
      ) : null}
      <RedirectNotice notice={describeNotice(params)} />
      <AccountsTable initial={{ now: at.toISOString(), ...accountsPage }} permissions={permissions} view={view} />
    </>
  );
}
