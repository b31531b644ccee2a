"use client";

import Link from "next/link";
import { useEffect } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { DataTable, TableBody, TableHead, Td, Th, Tr, hrefWithParams } from "@/components/ui/data-table";
import { CursorPagination } from "@/components/ui/pagination";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { AccountStatusBadge, accountStatusCopy } from "@/components/accounts/account-status-badge";
import { RelativeTime } from "@/components/accounts/relative-time";
import { RecreateTokenButton, recreateTokensFor } from "@/components/accounts/recreate-token-button";
import { CredentialLines, MissingScopesFlag } from "@/components/accounts/credential-lines";
import { ConnectAccountButton, ConnectAuthNAuthButton } from "@/components/accounts/connect-account-button";
import { accountsViewQueryKey, useTestAccount, type AccountsResponse } from "@/components/accounts/use-test-account";
import { environmentLabel, type AccountView } from "@/lib/accounts/account-view";
import {
  STATUS_FILTERS,
  STATUS_FILTER_LABELS,
  accountsViewParams,
  accountsViewQueryString,
  type AccountsView,
  type SortKey,
} from "@/lib/accounts/list-view";
import { SelectAllCheckbox, SelectRowCheckbox, useRowSelection, type RowSelection } from "@/components/checks/row-selection";
import { BulkCheckToolbar } from "@/components/checks/bulk-check-toolbar";
import { BulkTagToolbar } from "@/components/accounts/bulk-tag-toolbar";

type Permissions = { canTest: boolean; canRecreate: boolean; canConnect: boolean; canTag?: boolean };

async function fetchAccounts(viewQuery: string): Promise<AccountsResponse> {
  const response = await fetch(viewQuery ? `/api/accounts?${viewQuery}` : "/api/accounts", { cache: "no-store" });
  if (!response.ok) throw new Error(`Could not load accounts (${response.status}).`);
  return response.json();
}

const plural = (count: number, word: string) => `${count.toLocaleString("en-US")} ${word}${count === 1 ? "" : "s"}`;

/**
 * One page of the workspace's accounts. The server filters, sorts and pages (lib/accounts/list-accounts.ts);
 * the table polls /api/accounts with the same view params for that page only.
 */
export function AccountsTable({
  initial,
  permissions,
  view,
}: {
  initial: AccountsResponse;
  permissions: Permissions;
  view: AccountsView;
}) {
  const queryClient = useQueryClient();
  const viewQuery = accountsViewQueryString(view);
  const queryKey = accountsViewQueryKey(viewQuery);
  const query = useQuery({ queryKey, queryFn: () => fetchAccounts(viewQuery), initialData: initial, refetchInterval: 30_000 });
  const selection = useRowSelection();
  // A server render (navigation, router.refresh) is newer than whatever the cache kept for this view from an
  // earlier visit: show it at once and make it the cache's value.
  useEffect(() => {
    queryClient.setQueryData<AccountsResponse>(accountsViewQueryKey(viewQuery), (cached) =>
      cached && Date.parse(cached.now) > Date.parse(initial.now) ? cached : initial,
    );
  }, [initial, queryClient, viewQuery]);
  const data = Date.parse(query.data.now) >= Date.parse(initial.now) ? query.data : initial;
  const { filter } = view;
  const sort = { key: view.sort, direction: view.direction };
  const { now, accounts, counts, total, page, pageCount, pageSize } = data;
  // Links keep the filter and sort; a new filter or sort starts again at page 1.
  const currentParams = accountsViewParams({ ...view, page: 1 });
  const connectedCount = counts.all;
  const checkableShownIds = accounts.filter((account) => account.status !== "disconnected").map((account) => account.id);

  if (connectedCount === 0 && filter === "all") {
    return (
      <EmptyState
        title="No eBay accounts connected yet"
        description="Connect your first eBay account: you sign in to eBay, agree to ChannelKeys' access, and its token shows up here with its expiry."
        action={
          permissions.canConnect ? (
            <div className="flex flex-wrap justify-center gap-2">
              <ConnectAccountButton label="Connect your first eBay account" />
              <ConnectAuthNAuthButton />
            </div>
          ) : undefined
        }
      />
    );
  }

  const sortHeader = (key: SortKey, label: string) => ({
    sort: {
      direction: sort.key === key ? sort.direction : undefined,
      href: hrefWithParams("/accounts", currentParams, {
        sort: key,
        dir: sort.key === key && sort.direction === "ascending" ? "descending" : "ascending",
      }),
    },
    children: label,
  });
  const pageHref = (target: number) => hrefWithParams("/accounts", currentParams, { page: target > 1 ? String(target) : undefined });
  const firstRow = (page - 1) * pageSize + 1;
  const lastRow = firstRow + accounts.length - 1;

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <nav aria-label="Filter by status" className="flex flex-wrap gap-1.5">
          {STATUS_FILTERS.map((option) => (
            <Link
              key={option}
              href={hrefWithParams("/accounts", currentParams, { status: option === "all" ? undefined : option })}
              aria-current={option === filter ? "page" : undefined}
              // The count stays out of the link's name ("Disconnected"), and is read as its description.
              aria-describedby={`account-filter-count-${option}`}
              className={cn(
                "inline-flex items-center gap-1.5 rounded-full border px-3 py-1 text-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600",
                option === filter
                  ? "border-accent-600 bg-accent-600 text-white"
                  : "border-gray-300 bg-white text-gray-700 hover:bg-gray-50",
              )}
            >
              {STATUS_FILTER_LABELS[option]}
              <span aria-hidden="true" className={cn("text-xs tabular-nums", option === filter ? "text-white/90" : "text-gray-500")}>
                {counts[option].toLocaleString("en-US")}
              </span>
              <span id={`account-filter-count-${option}`} hidden>
                {plural(counts[option], "account")}
              </span>
            </Link>
          ))}
        </nav>
        <p className="text-sm text-gray-600" aria-live="polite">
          {total.toLocaleString("en-US")} of {plural(connectedCount, "connected account")}
          {query.isFetching ? " · refreshing…" : ""}
        </p>
      </div>
      {permissions.canTest ? (
        <BulkCheckToolbar
          selection={selection}
          filter={
            filter === "all" && !view.tag
              ? null
              : {
                  status: filter,
                  label: view.tag ? `${STATUS_FILTER_LABELS[filter]}, tag ${view.tag}` : STATUS_FILTER_LABELS[filter],
                  checkableCount: filter === "disconnected" ? 0 : total,
                  tag: view.tag ?? null,
                }
          }
          connectedCount={connectedCount}
        />
      ) : null}
      {permissions.canTag ? <BulkTagToolbar selection={selection} /> : null}
      <DataTable caption="Connected eBay accounts">
        <TableHead>
          <tr>
            {permissions.canTest ? (
              <Th className="w-10">
                <SelectAllCheckbox ids={checkableShownIds} selection={selection} />
              </Th>
            ) : null}
            <Th {...sortHeader("name", "Account")} />
            <Th>Marketplace</Th>
            <Th {...sortHeader("status", "Status")} />
            <Th>Access token</Th>
            <Th {...sortHeader("refreshExpiry", "Refresh token")} />
            <Th {...sortHeader("lastChecked", "Last checked")} />
            <Th>Last healthy</Th>
            <Th align="right">
              <span className="sr-only">Actions</span>
            </Th>
          </tr>
        </TableHead>
        <TableBody>
          {accounts.map((account) => (
            <AccountRow key={account.id} account={account} now={now} permissions={permissions} selection={selection} />
          ))}
          {accounts.length === 0 ? (
            <tr>
              <td colSpan={permissions.canTest ? 9 : 8} className="px-4 py-8 text-center text-sm text-gray-600">
                No account matches this filter.
              </td>
            </tr>
          ) : null}
        </TableBody>
      </DataTable>
      {pageCount > 1 ? (
        <CursorPagination
          label="Account pages"
          summary={`Page ${page} of ${pageCount} · accounts ${firstRow.toLocaleString("en-US")}–${lastRow.toLocaleString("en-US")} of ${total.toLocaleString("en-US")}`}
          previousHref={page > 1 ? pageHref(page - 1) : undefined}
          nextHref={page < pageCount ? pageHref(page + 1) : undefined}
        />
      ) : null}
    </div>
  );
}

function AccountRow({
  account,
  now,
  permissions,
  selection,
}: {
  account: AccountView;
  now: string;
  permissions: Permissions;
  selection: RowSelection;
}) {
  const test = useTestAccount();
  const copy = accountStatusCopy(account, now);
  const showRecreate =
    permissions.canRecreate &&
    (copy.action === "recreate" || copy.action === "contact_ebay_then_recreate" || copy.label.startsWith("Expir") || account.missingScopes.length > 0);
  const disconnected = account.status === "disconnected";

  return (
    <Tr data-account-id={account.id} data-status={account.status}>
      {permissions.canTest ? (
        <Td>
          <SelectRowCheckbox id={account.id} name={account.name} selection={selection} disabled={disconnected} />
        </Td>
      ) : null}
      <Td>
        <Link href={`/accounts/${account.id}`} className="font-medium text-gray-900 hover:underline">
          {account.name}
        </Link>
        <div className="text-xs text-gray-500">
          {account.ebayUsername && account.ebayUsername !== account.name ? `${account.ebayUsername} · ` : ""}
          {account.ebayUserIdKnown ? <span title="eBay user id (never changes)">{account.ebayUserId}</span> : <span>Auth&apos;n&apos;Auth token</span>}
        </div>
        {account.tags.length > 0 ? (
          <div className="mt-1 flex flex-wrap gap-1" aria-label={`Tags of ${account.name}`}>
            {account.tags.map((tag) => (
              <span key={tag} className="rounded bg-gray-100 px-1.5 py-0.5 text-xs text-gray-700">
                {tag}
              </span>
            ))}
          </div>
        ) : null}
      </Td>
      <Td>
        <div>{account.marketplaceId ?? "—"}</div>
        <div className="text-xs text-gray-500">{environmentLabel(account.environment)}</div>
      </Td>
      <Td className="max-w-sm">
        <AccountStatusBadge account={account} now={now} />
        {account.status !== "healthy" && account.status !== "unchecked" && !disconnected ? (
          <p className="mt-1 text-xs text-gray-700" data-testid="status-message">
            {copy.message}
          </p>
        ) : null}
        <CredentialLines account={account} now={now} />
        <MissingScopesFlag account={account} />
        {test.error ? (
          <p role="alert" className="mt-1 text-xs text-red-700">
            {test.error.message}
          </p>
        ) : null}
      </Td>
      <Td>
        <RelativeTime value={account.accessTokenExpiresAt} now={now} />
      </Td>
      <Td>
        {account.refreshTokenExpiresAt ? (
          <span>
            expires <RelativeTime value={account.refreshTokenExpiresAt} now={now} />
          </span>
        ) : (
          <span className="text-gray-400">—</span>
        )}
        {account.authNAuth?.expiresAt ? (
          <div className="text-xs text-gray-600">
            Auth&apos;n&apos;Auth expires <RelativeTime value={account.authNAuth.expiresAt} now={now} />
          </div>
        ) : null}
      </Td>
      <Td>
        <RelativeTime value={account.lastCheckedAt} now={now} empty="never" />
      </Td>
      <Td>
        <RelativeTime value={account.lastHealthyAt} now={now} empty="never" />
      </Td>
      <Td align="right">
        <div className="flex justify-end gap-2">
          {permissions.canTest && !disconnected ? (
            <Button size="sm" loading={test.isPending} loadingLabel={`Testing ${account.name}…`} onClick={() => test.mutate(account.id)} aria-label={`Test ${account.name}`}>
              Test
            </Button>
          ) : null}
          {showRecreate && !disconnected ? <RecreateTokenButton accountId={account.id} tokens={recreateTokensFor(account)} /> : null}
        </div>
      </Td>
    </Tr>
  );
}
