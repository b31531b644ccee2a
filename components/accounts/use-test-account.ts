"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { testAccountAction } from "@/app/(app)/accounts/actions/test-account";
import type { AccountView } from "@/lib/accounts/account-view";
import type { AccountsPage } from "@/lib/accounts/list-accounts";

/** Prefix of every accounts-table query; each view (filter, sort, page) is cached under its own key. */
export const ACCOUNTS_QUERY_KEY = ["accounts"] as const;
export const accountsViewQueryKey = (viewQuery: string) => [...ACCOUNTS_QUERY_KEY, viewQuery] as const;
export const accountQueryKey = (accountId: string) => ["account", accountId] as const;

/** GET /api/accounts: one page of the table plus the filter counts, as of `now` (the server's clock). */
export type AccountsResponse = { now: string } & AccountsPage;

/** Runs "Test" and writes the fresh row into every cached view of it, so the table updates at once. */
export function useTestAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (accountId: string) => {
      const result = await testAccountAction({ accountId });
      if (!result.ok) throw new Error(result.error);
      return result.data;
    },
    onSuccess: ({ account }) => {
      if (!account) return;
      queryClient.setQueriesData<AccountsResponse>({ queryKey: ACCOUNTS_QUERY_KEY }, (previous) =>
        previous ? { ...previous, accounts: previous.accounts.map((row) => (row.id === account.id ? account : row)) } : previous,
      );
      queryClient.setQueryData<{ now: string; account: AccountView }>(accountQueryKey(account.id), (previous) =>
        previous ? { ...previous, account } : previous,
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ACCOUNTS_QUERY_KEY }),
  });
}
