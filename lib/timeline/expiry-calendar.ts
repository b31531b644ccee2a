// The calendar export's content: one event per account whose refresh token ends in the future, at the moment it
// ends, with reminders early enough to get the seller's consent again.
import { expiryBucket, DAY_MS } from "@/lib/timeline/buckets";
import type { Calendar, CalendarEvent } from "@/lib/timeline/ics";
import { formatTimestamp } from "@/lib/format/relative-time";
import { isProvisionalEbayUserId } from "@/lib/accounts/provisional-user-id";

/** Reminders before the expiry; ones already past at export time are left out (some apps fire them at once). */
export const REMINDER_DAYS = [30, 7, 1] as const;
const EVENT_LENGTH_MS = 30 * 60_000;

export type CalendarAccount = {
  id: string;
  name: string;
  ebayUserId: string;
  environment: string;
  status: string;
  verdictStatus: string;
  refreshTokenExpiresAt: Date | null;
  /** An Auth'n'Auth token's hard expiry: an event of its own. */
  authNAuthExpiresAt?: Date | null;
  /** Grows with every state change, re-creates included: the event's SEQUENCE. */
  stateVersion: number;
};

export function expiryEventUid(accountId: string): string {
  return `refresh-token-expiry-${accountId}@channelkeys`;
}

export function authNAuthExpiryEventUid(accountId: string): string {
  return `authnauth-token-expiry-${accountId}@channelkeys`;
}

/**
 * Upcoming expiries only: an account that already needs re-authorization has no useful date left (its Re-create
 * button is the reminder), and a passed date is history, not a plan.
 */
export function expiryCalendar(input: { workspaceName: string; accounts: readonly CalendarAccount[]; now: Date; appUrl: string }): Calendar {
  const events: CalendarEvent[] = [];
  const sorted = [...input.accounts].sort(
    (a, b) => (a.refreshTokenExpiresAt?.getTime() ?? 0) - (b.refreshTokenExpiresAt?.getTime() ?? 0) || (a.id < b.id ? -1 : 1),
  );
  for (const account of sorted) {
    if (account.status === "disconnected" || expiryBucket(account, input.now) === "needs_reauth") continue;
    const accountUrl = new URL(`/accounts/${encodeURIComponent(account.id)}`, input.appUrl).toString();
    const environment = account.environment === "sandbox" ? "eBay sandbox" : "eBay";
    const tokens = [
      {
        expiresAt: account.refreshTokenExpiresAt,
        uid: expiryEventUid(account.id),
        summary: `eBay token expires: ${account.name}`,
        what: `The ${environment} refresh token of ${account.name}`,
        after: "After that ChannelKeys can no longer renew its access, and the seller has to consent again.",
        reminder: "eBay token",
      },
      {
        expiresAt: account.authNAuthExpiresAt ?? null,
        uid: authNAuthExpiryEventUid(account.id),
        summary: `eBay Auth'n'Auth token expires: ${account.name}`,
        what: `The ${environment} Auth'n'Auth token of ${account.name}`,
        after: "It cannot be renewed: the seller signs in to eBay again for a new one (eBay itself warns only in the last 7 days).",
        reminder: "eBay Auth'n'Auth token",
      },
    ];
    for (const token of tokens) {
      const expiresAt = token.expiresAt;
      if (!expiresAt || expiresAt.getTime() <= input.now.getTime()) continue;
      events.push({
        uid: token.uid,
        sequence: account.stateVersion,
        start: expiresAt,
        end: new Date(expiresAt.getTime() + EVENT_LENGTH_MS),
        summary: token.summary,
        description:
          `${token.what} (eBay user ${isProvisionalEbayUserId(account.ebayUserId) ? account.name : account.ebayUserId}) expires on ${formatTimestamp(expiresAt)}. ${token.after} ` +
          `Re-create the token before then: ${accountUrl}`,
        url: accountUrl,
        categories: ["ChannelKeys", "eBay token expiry"],
        alarms: REMINDER_DAYS.filter((days) => expiresAt.getTime() - days * DAY_MS > input.now.getTime()).map((days) => ({
          beforeMs: days * DAY_MS,
          description: `${account.name}: ${token.reminder} expires in ${days} day${days === 1 ? "" : "s"}. Re-create it in ChannelKeys.`,
        })),
      });
    }
  }
  events.sort((a, b) => a.start.getTime() - b.start.getTime() || (a.uid < b.uid ? -1 : 1));
  return {
    name: `ChannelKeys · ${input.workspaceName} · eBay token expiries`,
    description: `When the eBay refresh tokens and Auth'n'Auth tokens of the accounts in ${input.workspaceName} expire.`,
    createdAt: input.now,
    events,
  };
}

export function calendarFilename(workspaceName: string, now: Date): string {
  const slug = workspaceName.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "workspace";
  return `channelkeys-${slug}-token-expiries-${now.toISOString().slice(0, 10)}.ics`;
}
