"use client";

import Link from "next/link";
import { useEffect, useMemo } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { DataTable, TableBody, TableHead, Td, Th, Tr, hrefWithParams } from "@/components/ui/data-table";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { AccountStatusBadge, accountStatusCopy } from "@/components/accounts/account-status-badge";
import { RelativeTime } from "@/components/accounts/relative-time";
import { RecreateTokenButton } from "@/components/accounts/recreate-token-button";
import { ConnectAccountButton } from "@/components/accounts/connect-account-button";
import { ACCOUNTS_QUERY_KEY, useTestAccount, type AccountsResponse } from "@/components/accounts/use-test-account";
import { environmentLabel, type AccountView } from "@/lib/accounts/account-view";

import type { AccountsView, SortKey, StatusFilter } from "@/lib/accounts/list-view";
import { SelectAllCheckbox, SelectRowCheckbox, useRowSelection, type RowSelection } from "@/components/checks/row-selection";
import { BulkCheckToolbar } from "@/components/checks/bulk-check-toolbar";

const FILTERS: { value: StatusFilter; label: string }[] = [
  { value: "all", label: "All connected" },
  { value: "healthy", label: "Healthy" },
  { value: "expiring", label: "Expiring soon" },
  { value: "needs_reauth", label: "Needs re-authorization" },
  { value: "ebay_unavailable", label: "eBay unavailable" },
  { value: "unchecked", label: "Not checked yet" },
  { value: "disconnected", label: "Disconnected" },
];

// Most urgent first when sorting by status.
const STATUS_RANK: Record<string, number> = { needs_reauth: 0, ebay_unavailable: 1, unchecked: 2, healthy: 3, disconnected: 4 };

type Permissions = { canTest: boolean; canRecreate: boolean; canConnect: boolean };

async function fetchAccounts(): Promise<AccountsResponse> {
  const response = await fetch("/api/accounts", { cache: "no-store" });
  if (!response.ok) throw new Error(`Could not load accounts (${response.status}).`);
  return response.json();
}

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
  const query = useQuery({ queryKey: ACCOUNTS_QUERY_KEY, queryFn: fetchAccounts, initialData: initial, refetchInterval: 30_000 });
  const selection = useRowSelection();
  // A server render (navigation, router.refresh) is newer than whatever the cache kept from an
  // earlier visit: show it at once and make it the cache's value.
  useEffect(() => {
    queryClient.setQueryData<AccountsResponse>(ACCOUNTS_QUERY_KEY, (cached) =>
      cached && Date.parse(cached.now) > Date.parse(initial.now) ? cached : initial,
    );
  }, [initial, queryClient]);
  const data = Date.parse(query.data.now) >= Date.parse(initial.now) ? query.data : initial;
  const { filter } = view;
  const sort = { key: view.sort, direction: view.direction };
  const { now, accounts } = data;
  const currentParams = { status: filter === "all" ? undefined : filter, sort: view.sort, dir: view.direction };

  const visible = useMemo(() => {
    const matches = accounts.filter((account) => {
      if (filter === "all") return account.status !== "disconnected";
      if (filter === "expiring") return account.status !== "disconnected" && accountStatusCopy(account, now).label.startsWith("Expir");
      return account.status === filter;
    });
    const value = (account: AccountView): string | number => {
      switch (sort.key) {
        case "name":
          return account.name.toLowerCase();
        case "status":
          return STATUS_RANK[account.status] ?? 9;
        case "refreshExpiry":
          return account.refreshTokenExpiresAt ? Date.parse(account.refreshTokenExpiresAt) : Number.MAX_SAFE_INTEGER;
        case "lastChecked":
          return account.lastCheckedAt ? Date.parse(account.lastCheckedAt) : 0;
      }
    };
    const sign = sort.direction === "ascending" ? 1 : -1;
    return [...matches].sort((a, b) => {
      const left = value(a);
      const right = value(b);
      if (left === right) return a.name.localeCompare(b.name);
      return left < right ? -sign : sign;
    });
  }, [accounts, filter, sort, now]);

  const connectedCount = accounts.filter((account) => account.status !== "disconnected").length;
  const checkableShownIds = visible.filter((account) => account.status !== "disconnected").map((account) => account.id);
  if (connectedCount === 0 && filter === "all") {
    return (
      <EmptyState
        title="No eBay accounts connected yet"
        description="Connect your first eBay account: you sign in to eBay, agree to ChannelKeys' access, and its token shows up here with its expiry."
        action={permissions.canConnect ? <ConnectAccountButton label="Connect your first eBay account" /> : undefined}
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

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <nav aria-label="Filter by status" className="flex flex-wrap gap-1.5">
          {FILTERS.map((option) => (
            <Link
              key={option.value}
              href={hrefWithParams("/accounts", currentParams, { status: option.value === "all" ? undefined : option.value })}
              aria-current={option.value === filter ? "page" : undefined}
              className={cn(
                "rounded-full border px-3 py-1 text-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600",
                option.value === filter
                  ? "border-accent-600 bg-accent-600 text-white"
                  : "border-gray-300 bg-white text-gray-700 hover:bg-gray-50",
              )}
            >
              {option.label}
            </Link>
          ))}
        </nav>
        <p className="text-sm text-gray-600" aria-live="polite">
          {visible.length} of {connectedCount} connected account{connectedCount === 1 ? "" : "s"}
          {query.isFetching ? " · refreshing…" : ""}
        </p>
      </div>
      {permissions.canTest ? (
        <BulkCheckToolbar
          selection={selection}
          shownIds={checkableShownIds}
          filterLabel={filter === "all" ? null : (FILTERS.find((option) => option.value === filter)?.label ?? null)}
          connectedCount={connectedCount}
        />
      ) : null}
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
          {visible.map((account) => (
            <AccountRow key={account.id} account={account} now={now} permissions={permissions} selection={selection} />
          ))}
          {visible.length === 0 ? (
            <tr>
              <td colSpan={permissions.canTest ? 9 : 8} className="px-4 py-8 text-center text-sm text-gray-600">
                No account matches this filter.
              </td>
            </tr>
          ) : null}
        </TableBody>
      </DataTable>
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
  const showRecreate = permissions.canRecreate && (copy.action === "recreate" || copy.action === "contact_ebay_then_recreate" || copy.label.startsWith("Expir"));
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
          <span title="eBay user id (never changes)">{account.ebayUserId}</span>
        </div>
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
          {showRecreate && !disconnected ? <RecreateTokenButton accountId={account.id} /> : null}
        </div>
      </Td>
    </Tr>
  );
}
