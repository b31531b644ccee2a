// Every account state and cause in the seller's words, with the one action that fixes it.
// Screens, emails and bulk summaries all take their wording from here so they never disagree.
import type { AccountStatus, ReauthCause, UnavailableCause } from "@/lib/tokens/verdict";

export type StatusTone = "good" | "warn" | "bad" | "neutral";
export type StatusAction = "recreate" | "test" | "connect" | "contact_ebay_then_recreate" | "retry_later";

export type StatusCopy = {
  label: string;
  tone: StatusTone;
  message: string;
  action?: StatusAction;
};

export type DescribeStatusInput = {
  /** The account's visible status (DB strings are accepted; unknown values read as "Unknown"). */
  status: AccountStatus | (string & {});
  cause?: ReauthCause | UnavailableCause | (string & {}) | null;
  /** The last definite verdict, shown under a transient ebay_unavailable. */
  verdictStatus?: AccountStatus | (string & {}) | null;
  verdictCause?: ReauthCause | (string & {}) | null;
  /** With `now`, turns a healthy account whose refresh token ends soon into "Expiring". */
  refreshTokenExpiresAt?: Date | null;
  now?: Date;
  warningDays?: number;
};

export const DEFAULT_EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

const EXPIRED_MESSAGE = "eBay authorization token has expired and needs to be re-created.";

const REAUTH_COPY: Record<ReauthCause, { message: string; action: StatusAction }> = {
  expired: { message: EXPIRED_MESSAGE, action: "recreate" },
  hard_expired: { message: EXPIRED_MESSAGE, action: "recreate" },
  revoked: {
    message:
      "eBay revoked this authorization token: the seller removed ChannelKeys' access, changed the eBay password, or eBay blocked it (eBay does not say which). Re-create the token to reconnect.",
    action: "recreate",
  },
  revoked_by_user: {
    message:
      "The seller's eBay account revoked ChannelKeys' access (in My eBay > Third-party authorizations, or by changing the eBay password: eBay reports both the same way). Re-create the token to reconnect.",
    action: "recreate",
  },
  revoked_by_app: {
    message: "This authorization token was revoked by ChannelKeys (the application). Re-create the token to reconnect.",
    action: "recreate",
  },
  password_changed: {
    message:
      "The seller changed the eBay password, which ends ChannelKeys' access (OAuth tokens do not survive a password change; Auth'n'Auth tokens do). Re-create the token to reconnect.",
    action: "recreate",
  },
  revoked_by_ebay: {
    message:
      "eBay revoked this authorization token, usually because of a security lock on the eBay account. Contact eBay to clear it first, then re-create the token.",
    action: "contact_ebay_then_recreate",
  },
  scope_not_granted: {
    message:
      "ChannelKeys now needs eBay permissions this seller has not granted yet. Re-create the token to grant them.",
    action: "recreate",
  },
  missing_scope: {
    message:
      "eBay refused a request because the token lacks a permission ChannelKeys needs. Re-create the token to grant it.",
    action: "recreate",
  },
  invalid_token: {
    message: "eBay no longer accepts this authorization token. Re-create the token to reconnect.",
    action: "recreate",
  },
  wrong_user: {
    message:
      "The token belongs to another eBay user, not this account's. Re-create the token while signed in to eBay as this account's own user.",
    action: "recreate",
  },
};

const UNAVAILABLE_COPY: Record<UnavailableCause, { message: string; action?: StatusAction }> = {
  server_error: { message: "eBay answered with a server error. The check will be retried.", action: "retry_later" },
  timeout: { message: "eBay did not answer in time. The check will be retried.", action: "retry_later" },
  network: { message: "eBay could not be reached. The check will be retried.", action: "retry_later" },
  malformed_response: {
    message: "eBay's answer could not be understood. The check will be retried.",
    action: "retry_later",
  },
  rate_limited: {
    message: "eBay's call limit has been reached. The check will be retried once the limit resets.",
    action: "retry_later",
  },
  // No seller action: the fix is the ChannelKeys operator's, and re-creating tokens would not help.
  app_credentials_invalid: {
    message:
      "eBay rejected ChannelKeys' own application keys. This is a ChannelKeys configuration problem for its operator to fix; nothing is wrong with this eBay account.",
  },
};

/** A cause in a few words, for one credential's line on an account ("Auth'n'Auth token: revoked by the seller"). */
export const CAUSE_SHORT_LABELS: Record<ReauthCause, string> = {
  expired: "expired",
  hard_expired: "expired (hard expiration reached)",
  revoked: "revoked",
  revoked_by_user: "revoked by the seller",
  revoked_by_app: "revoked by ChannelKeys",
  revoked_by_ebay: "revoked by eBay",
  password_changed: "ended by a password change",
  scope_not_granted: "needs consent for new permissions",
  missing_scope: "missing a permission",
  invalid_token: "no longer accepted",
  wrong_user: "belongs to another eBay user",
};

export function causeShortLabel(cause: string | null | undefined): string {
  return cause && cause in CAUSE_SHORT_LABELS ? CAUSE_SHORT_LABELS[cause as ReauthCause] : "needs re-authorization";
}

export function describeStatus(input: DescribeStatusInput): StatusCopy {
  switch (input.status) {
    case "unchecked":
      return { label: "Not checked yet", tone: "neutral", message: "This account has not been tested yet.", action: "test" };
    case "healthy":
      return describeHealthy(input);
    case "needs_reauth":
      return describeNeedsReauth(input.cause);
    case "ebay_unavailable":
      return describeUnavailable(input);
    case "disconnected":
      return {
        label: "Disconnected",
        tone: "neutral",
        message: "This account was disconnected; its tokens were deleted and its history kept.",
        action: "connect",
      };
    default:
      return { label: "Unknown", tone: "neutral", message: "This account's state is unknown.", action: "test" };
  }
}

/**
 * True when the refresh token ends within `warningDays` of `now`, including when its stored expiry has
 * already passed (a check will then say expired; until then the warning must not go quiet).
 */
export function isExpiring(
  refreshTokenExpiresAt: Date | null | undefined,
  now: Date,
  warningDays: number = DEFAULT_EXPIRY_WARNING_DAYS,
): boolean {
  if (!refreshTokenExpiresAt) return false;
  return refreshTokenExpiresAt.getTime() - now.getTime() <= warningDays * DAY_MS;
}

/** Whole days left until `expiresAt` (0 on the last day, negative once passed). */
export function daysUntil(expiresAt: Date, now: Date): number {
  return Math.floor((expiresAt.getTime() - now.getTime()) / DAY_MS);
}

function describeHealthy(input: DescribeStatusInput): StatusCopy {
  const expiresAt = input.refreshTokenExpiresAt;
  if (expiresAt && input.now && isExpiring(expiresAt, input.now, input.warningDays)) {
    const days = daysUntil(expiresAt, input.now);
    const when =
      days < 0 ? "has reached its expiry date" : days === 0 ? "expires today" : `expires in ${days} day${days === 1 ? "" : "s"}`;
    return {
      label: "Expiring",
      tone: "warn",
      message: `The eBay authorization token ${when}. Re-create it now to avoid an interruption.`,
      action: "recreate",
    };
  }
  return { label: "Healthy", tone: "good", message: "eBay accepts this account's token.", action: "test" };
}

function describeNeedsReauth(cause: DescribeStatusInput["cause"]): StatusCopy {
  const copy = cause && cause in REAUTH_COPY ? REAUTH_COPY[cause as ReauthCause] : undefined;
  return {
    label: cause === "revoked_by_ebay" ? "Blocked by eBay" : "Needs re-authorization",
    tone: "bad",
    message: copy?.message ?? "eBay no longer accepts this account's token. Re-create the token to reconnect.",
    action: copy?.action ?? "recreate",
  };
}

function describeUnavailable(input: DescribeStatusInput): StatusCopy {
  const cause = input.cause;
  const copy = cause && cause in UNAVAILABLE_COPY ? UNAVAILABLE_COPY[cause as UnavailableCause] : undefined;
  const base = copy?.message ?? "eBay could not be asked about this account. The check will be retried.";
  const last = describeLastVerdict(input);
  return {
    label: cause === "app_credentials_invalid" ? "ChannelKeys configuration problem" : "eBay unavailable",
    tone: "warn",
    message: last ? `${base} ${last}` : base,
    ...(copy ? (copy.action ? { action: copy.action } : {}) : { action: "retry_later" as const }),
  };
}

// A transient failure never replaces the last definite verdict: name it so the seller still sees it.
function describeLastVerdict(input: DescribeStatusInput): string | undefined {
  switch (input.verdictStatus) {
    case "healthy":
      return "Last successful check: the token was working.";
    case "needs_reauth": {
      const copy = input.verdictCause && input.verdictCause in REAUTH_COPY ? REAUTH_COPY[input.verdictCause as ReauthCause] : undefined;
      return `Before that, eBay had said: ${copy?.message ?? "the token needs to be re-created."}`;
    }
    case "unchecked":
      return "The account has not been checked successfully yet.";
    default:
      return undefined;
  }
}
