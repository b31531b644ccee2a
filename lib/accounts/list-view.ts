// How the accounts table is filtered and sorted: shared by the server page (parsing the URL) and
// the client table (building links), so it lives outside any "use client" module.
export const SORT_KEYS = ["name", "status", "refreshExpiry", "lastChecked"] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const STATUS_FILTERS = ["all", "healthy", "expiring", "needs_reauth", "ebay_unavailable", "unchecked", "disconnected"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export type AccountsView = { filter: StatusFilter; sort: SortKey; direction: "ascending" | "descending" };

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === "string" && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function parseAccountsView(params: Record<string, string | string[] | undefined>): AccountsView {
  return {
    filter: pick(params.status, STATUS_FILTERS, "all"),
    sort: pick(params.sort, SORT_KEYS, "status"),
    direction: pick(params.dir, ["ascending", "descending"] as const, "ascending"),
  };
}
