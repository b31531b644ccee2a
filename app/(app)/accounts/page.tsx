import type { Metadata } from "next";
import { db } from "@/lib/db";
import { now } from "@/lib/clock";
import { can } from "@/lib/auth/roles";
import { requireWorkspace } from "@/lib/auth/session";
import { ACCOUNT_VIEW_SELECT, toAccountView } from "@/lib/accounts/account-view";
import { describeNotice } from "@/lib/accounts/notices";
import { PageHeader } from "@/components/ui/page-header";
import { AccountsTable } from "@/components/accounts/accounts-table";
import { parseAccountsView } from "@/lib/accounts/list-view";
import { ConnectAccountButton } from "@/components/accounts/connect-account-button";
import { RedirectNotice } from "@/components/accounts/redirect-notice";

export const metadata: Metadata = { title: "eBay accounts · ChannelKeys" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AccountsPage({ searchParams }: { searchParams: SearchParams }) {
  const { workspace, role } = await requireWorkspace("accounts:read");
  const params = await searchParams;
  const rows = await db.ebayAccount.findMany({
    where: { workspaceId: workspace.id },
    select: ACCOUNT_VIEW_SELECT,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const view = parseAccountsView(params);
  const permissions = {
    canTest: can(role, "accounts:test"),
    canRecreate: can(role, "accounts:recreate"),
    canConnect: can(role, "accounts:connect"),
  };

  return (
    <>
      <PageHeader
        title="eBay accounts"
        description="Every eBay account connected to this workspace, the health of its token and when it expires."
        actions={permissions.canConnect && rows.length > 0 ? <ConnectAccountButton /> : undefined}
      />
      <RedirectNotice notice={describeNotice(params)} />
      <AccountsTable
        initial={{ now: now().toISOString(), accounts: rows.map(toAccountView) }}
        permissions={permissions}
        view={view}
      />
    </>
  );
}
