// What a warning says: which account, why (the same seller copy every screen uses), and the one
// place that fixes it. Shared by the in-app list, the email and the webhook.
import { daysUntil, describeStatus } from "@/lib/tokens/status-copy";

export type WarningKind = "needs_reauth" | "expiring" | "unavailable" | "recovered";

export const WARNING_KINDS: readonly WarningKind[] = ["needs_reauth", "expiring", "unavailable", "recovered"];

export type WarningAccount = {
  id: string;
  name: string;
  statusCause: string | null;
  verdictStatus: string;
  verdictCause: string | null;
  refreshTokenExpiresAt: Date | null;
};

export type WarningCopy = { title: string; message: string; fixPath: string };

export function accountFixPath(accountId: string): string {
  return `/accounts/${encodeURIComponent(accountId)}`;
}

export function needsReauthCopy(account: WarningAccount): WarningCopy {
  // An eBay outage on top of a dead token still means the token is dead: describe the definite verdict.
  const cause = account.verdictStatus === "needs_reauth" ? account.verdictCause ?? account.statusCause : account.statusCause;
  const copy = describeStatus({ status: "needs_reauth", cause });
  return {
    title: `${account.name}: ${copy.label.toLowerCase()}`,
    message: `${copy.message} Open the account and click "Re-create token".`,
    fixPath: accountFixPath(account.id),
  };
}

export function unavailableCopy(account: WarningAccount, heldForHours: number): WarningCopy {
  const copy = describeStatus({ status: "ebay_unavailable", cause: account.statusCause, verdictStatus: account.verdictStatus, verdictCause: account.verdictCause });
  const hours = Math.max(1, Math.round(heldForHours));
  return {
    title: `${account.name}: eBay unavailable for ${hours} hour${hours === 1 ? "" : "s"}`,
    message: `${copy.message} ChannelKeys keeps retrying; nothing needs re-creating unless the account says so.`,
    fixPath: accountFixPath(account.id),
  };
}

export function expiringCopy(account: WarningAccount & { refreshTokenExpiresAt: Date }, now: Date): WarningCopy {
  const days = daysUntil(account.refreshTokenExpiresAt, now);
  const when = days < 0 ? "has reached its expiry date" : days === 0 ? "expires today" : `expires in ${days} day${days === 1 ? "" : "s"}`;
  return {
    title: `${account.name}: eBay token ${when}`,
    message: `The eBay authorization token ${when}. Re-create it before then so orders and listings keep syncing: open the account and click "Re-create token".`,
    fixPath: accountFixPath(account.id),
  };
}

/**
 * An Auth'n'Auth token nearing its hard expiry. It cannot be renewed, only re-created by the seller signing in again;
 * eBay's own HardExpirationWarning comes only in the last 7 days, so ChannelKeys warns at the workspace's window.
 */
export function authNAuthExpiringCopy(account: { id: string; name: string }, expiresAt: Date, now: Date): WarningCopy {
  const days = daysUntil(expiresAt, now);
  const when = days < 0 ? "has reached its expiry date" : days === 0 ? "expires today" : `expires in ${days} day${days === 1 ? "" : "s"}`;
  return {
    title: `${account.name}: eBay Auth'n'Auth token ${when}`,
    message:
      `The eBay Auth'n'Auth token ${when} (${expiresAt.toISOString().slice(0, 10)}). It cannot be renewed: the seller signs in to eBay again for a new one. ` +
      `eBay itself only warns in the last 7 days. Open the account and click "Re-create token".`,
    fixPath: accountFixPath(account.id),
  };
}

export function recoveredCopy(account: WarningAccount): WarningCopy {
  return {
    title: `${account.name}: working again`,
    message: "eBay accepts this account's token again. No action needed.",
    fixPath: accountFixPath(account.id),
  };
}

export function absoluteUrl(appUrl: string, path: string): string {
  return `${appUrl.replace(/\/+$/, "")}${path}`;
}
