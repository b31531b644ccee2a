// How the accounts table is filtered, sorted and paged: shared by the server page (parsing the URL), the JSON
// route (the same params for the live refresh), the bulk-check action and the client table (building links),
// so it lives outside any "use client" module and imports nothing server-only.
import { normalizeTag } from "@/lib/accounts/tags";
export const SORT_KEYS = ["name", "status", "refreshExpiry", "lastChecked"] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const STATUS_FILTERS = ["all", "healthy", "expiring", "needs_reauth", "ebay_unavailable", "unchecked", "disconnected"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export const SORT_DIRECTIONS = ["ascending", "descending"] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

/** The filter pills' wording; also the name a bulk run started from a filter carries. */
export const STATUS_FILTER_LABELS: Record<StatusFilter, string> = {
  all: "All connected",
  healthy: "Healthy",
  expiring: "Expiring soon",
  needs_reauth: "Needs re-authorization",
  ebay_unavailable: "eBay unavailable",
  unchecked: "Not checked yet",
  disconnected: "Disconnected",
};

/** Rows per page: enough for a seller to scan, small enough that 1,000-account fleets render fast. */
export const ACCOUNTS_PAGE_SIZE = 50;

/** `page` is 1-based; a number past the last page is clamped by the query, not here. */
export type AccountsView = { filter: StatusFilter; sort: SortKey; direction: SortDirection; page: number; tag?: string | null };

export const DEFAULT_ACCOUNTS_VIEW: AccountsView = { filter: "all", sort: "status", direction: "ascending", page: 1, tag: null };

type RawParams = Record<string, string | string[] | undefined> | URLSearchParams;

function read(params: RawParams, key: string): string | undefined {
  const value = params instanceof URLSearchParams ? params.get(key) ?? undefined : params[key];
  return typeof value === "string" ? value : undefined;
}

function pick<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  return value !== undefined && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function parsePage(value: string | undefined): number {
  if (!value || !/^\d{1,6}$/.test(value)) return 1;
  return Math.max(1, Number(value));
}

export function parseAccountsView(params: RawParams): AccountsView {
  return {
    filter: pick(read(params, "status"), STATUS_FILTERS, DEFAULT_ACCOUNTS_VIEW.filter),
    sort: pick(read(params, "sort"), SORT_KEYS, DEFAULT_ACCOUNTS_VIEW.sort),
    direction: pick(read(params, "dir"), SORT_DIRECTIONS, DEFAULT_ACCOUNTS_VIEW.direction),
    page: parsePage(read(params, "page")),
    tag: normalizeTag(read(params, "tag") ?? ""),
  };
}

/** The view as URL params (defaults left out, so the plain /accounts link stays plain). */
export function accountsViewParams(view: AccountsView): Record<string, string | undefined> {
  return {
    status: view.filter === DEFAULT_ACCOUNTS_VIEW.filter ? undefined : view.filter,
    sort: view.sort,
    dir: view.direction,
    page: view.page > 1 ? String(view.page) : undefined,
    tag: view.tag ?? undefined,
  };
}

/** The same params as a query string, for the JSON route the table polls. */
export function accountsViewQueryString(view: AccountsView): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(accountsViewParams(view))) {
    if (value !== undefined) params.set(key, value);
  }
  return params.toString();
}
