import type { AuditAction, AuditOutcome } from "@/lib/audit/record";

// Typed as full Records so adding an action or outcome to record.ts fails type-checking here
// until it has a label; the key lists below double as the runtime allow-lists for filters.
const ACTION_LABELS: Record<AuditAction, string> = {
  sign_up: "Signed up",
  sign_in: "Signed in",
  sign_in_failed: "Sign-in failed",
  sign_out: "Signed out",
  sign_out_everywhere: "Signed out everywhere",
  password_change: "Changed password",
  password_reset_request: "Asked for a password reset",
  password_reset: "Reset password",
  account_connect: "Connected account",
  account_connect_failed: "Connect failed",
  account_test: "Tested token",
  token_refresh: "Refreshed access token",
  account_recreate: "Re-created token",
  account_recreate_failed: "Re-create failed",
  account_rename: "Renamed account",
  account_disconnect: "Disconnected account",
  oauth_declined: "eBay consent declined",
  oauth_state_rejected: "Sign-in link rejected",
  status_change: "Status changed",
  check_run_start: "Started bulk check",
  check_run_finish: "Finished bulk check",
  check_run_cancel: "Cancelled bulk check",
  alert_settings_update: "Changed alert settings",
  audit_export: "Exported history",
  ebay_account_deleted: "eBay account deleted (eBay's request)",
  account_tags_update: "Changed tags",
  account_import: "Imported token",
  token_issue: "Issued access token",
  api_key_create: "Created API key",
  api_key_revoke: "Revoked API key",
  invitation_create: "Invited member",
  invitation_revoke: "Revoked invitation",
  invitation_accept: "Accepted invitation",
  member_role_change: "Changed member role",
  member_remove: "Removed member",
  member_leave: "Left workspace",
  webhook_endpoint_create: "Added webhook endpoint",
  webhook_endpoint_update: "Changed webhook endpoint",
  webhook_endpoint_delete: "Deleted webhook endpoint",
  webhook_redeliver: "Redelivered webhook",
  reauth_link_create: "Created re-authorization link",
  reauth_link_revoke: "Revoked re-authorization link",
  reauth_link_use: "Used re-authorization link",
};

const OUTCOME_LABELS: Record<AuditOutcome, string> = {
  success: "Success",
  failure: "Failure",
  refused: "Refused",
  info: "Info",
};

export type AuditOutcomeTone = "success" | "danger" | "warning" | "neutral";

const OUTCOME_TONES: Record<AuditOutcome, AuditOutcomeTone> = {
  success: "success",
  failure: "danger",
  refused: "warning",
  info: "neutral",
};

export const AUDIT_ACTIONS = Object.keys(ACTION_LABELS) as AuditAction[];
export const AUDIT_OUTCOMES = Object.keys(OUTCOME_LABELS) as AuditOutcome[];

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(ACTION_LABELS, value);
}

export function isAuditOutcome(value: string): value is AuditOutcome {
  return Object.hasOwn(OUTCOME_LABELS, value);
}

/** Rows written by a newer version may carry an action this build does not know: show it readably. */
export function auditActionLabel(action: string): string {
  return isAuditAction(action) ? ACTION_LABELS[action] : humanizeIdentifier(action);
}

export function auditOutcomeLabel(outcome: string): string {
  return isAuditOutcome(outcome) ? OUTCOME_LABELS[outcome] : humanizeIdentifier(outcome);
}

export function auditOutcomeTone(outcome: string): AuditOutcomeTone {
  return isAuditOutcome(outcome) ? OUTCOME_TONES[outcome] : "neutral";
}

// The history is read by every member, viewers included, and exported as CSV: a change set shows only the
// fields listed here, each with how its values may be shown. A field recorded under any other name (a new
// column, a typo, a secret someone logged by mistake) is left out rather than shown, so adding a field to
// the history is a decision made here. "masked-url": for a Slack-style incoming webhook the URL itself is the
// credential, so only its origin and a few characters show; "masked-emails": recipients show as a first
// letter and their domain; "secret": only that it changed.
type FieldDisplay = "plain" | "masked-url" | "masked-emails" | "secret";
const CHANGE_FIELDS: Record<string, { label: string; display: FieldDisplay }> = {
  status: { label: "Status", display: "plain" },
  statusCause: { label: "Cause", display: "plain" },
  statusMessage: { label: "Message", display: "plain" },
  verdictStatus: { label: "Last verdict", display: "plain" },
  verdictCause: { label: "Verdict cause", display: "plain" },
  nickname: { label: "Nickname", display: "plain" },
  ebayUsername: { label: "eBay username", display: "plain" },
  ebayUserId: { label: "eBay user ID", display: "plain" },
  marketplaceId: { label: "Marketplace", display: "plain" },
  environment: { label: "Environment", display: "plain" },
  scopes: { label: "Scopes", display: "plain" },
  failureStreak: { label: "Failure streak", display: "plain" },
  accessTokenExpiresAt: { label: "Access token expiry", display: "plain" },
  refreshTokenExpiresAt: { label: "Refresh token expiry", display: "plain" },
  lastHealthyAt: { label: "Last healthy", display: "plain" },
  disconnectedAt: { label: "Disconnected", display: "plain" },
  warningDays: { label: "Warning days", display: "plain" },
  emailRecipients: { label: "Email recipients", display: "masked-emails" },
  webhookUrl: { label: "Webhook URL", display: "masked-url" },
  webhookSecret: { label: "Webhook signing secret", display: "secret" },
};

/** The allow-listed change-set fields (what recordAuditEvent callers may put in `changes`). */
export const AUDIT_CHANGE_FIELDS: readonly string[] = Object.keys(CHANGE_FIELDS);

const STATUS_VALUE_LABELS: Record<string, string> = {
  unchecked: "Unchecked",
  healthy: "Healthy",
  needs_reauth: "Needs re-authorization",
  ebay_unavailable: "eBay unavailable",
  disconnected: "Disconnected",
};

const STATUS_FIELDS = new Set(["status", "verdictStatus"]);

export const REDACTED = "[redacted]";

export type AuditChangeLine = {
  field: string;
  fieldLabel: string;
  before: string;
  after: string;
};

/**
 * Turns the stored change set ({field: [before, after]}, a jsonb column) into display lines.
 * Anything of another shape is skipped rather than breaking the history page.
 */
export function parseAuditChanges(changes: unknown): AuditChangeLine[] {
  const parsed = changes;
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return [];
  const lines: AuditChangeLine[] = [];
  for (const [field, pair] of Object.entries(parsed as Record<string, unknown>)) {
    if (!Array.isArray(pair) || pair.length !== 2) continue;
    if (!Object.hasOwn(CHANGE_FIELDS, field)) continue;
    const { label, display } = CHANGE_FIELDS[field]!;
    lines.push({
      field,
      fieldLabel: label,
      before: displayChangeValue(field, display, pair[0]),
      after: displayChangeValue(field, display, pair[1]),
    });
  }
  return lines;
}

/** "Status: Healthy → Needs re-authorization; Nickname: (none) → Main store" */
export function formatAuditChanges(lines: AuditChangeLine[]): string {
  return lines.map((line) => `${line.fieldLabel}: ${line.before} → ${line.after}`).join("; ");
}

function displayChangeValue(field: string, display: FieldDisplay, value: unknown): string {
  if (display === "secret") return REDACTED;
  if (value === null || value === undefined || value === "") return "(none)";
  if (display === "masked-url") return typeof value === "string" ? maskSecretUrl(value) : REDACTED;
  if (display === "masked-emails") return typeof value === "string" ? maskEmailList(value) : REDACTED;
  return formatChangeValue(field, value);
}

/**
 * "https://hooks.slack.com/services/T0/B0/abc" -> "https://hooks.slack.com/serv…": enough to tell which service
 * a webhook goes to, not enough to post to it. Not a URL: only that something is set.
 */
export function maskSecretUrl(value: string): string {
  try {
    const url = new URL(value);
    const rest = `${url.pathname}${url.search}`.replace(/^\//, "");
    return `${url.origin}/${rest.slice(0, 4)}${rest.length > 4 ? "…" : ""}`;
  } catch {
    return REDACTED;
  }
}

/** "ops@acme.example, ceo@acme.example" -> "o…@acme.example, c…@acme.example". */
export function maskEmailList(value: string): string {
  return value
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((address) => {
      const at = address.lastIndexOf("@");
      return at > 0 ? `${address.charAt(0)}…${address.slice(at)}` : "…";
    })
    .join(", ");
}

function formatChangeValue(field: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return "(none)";
  if (typeof value === "string") {
    if (STATUS_FIELDS.has(field)) return STATUS_VALUE_LABELS[value] ?? value;
    // Causes are identifiers ("revoked_by_ebay"); history reads them as words.
    if (field === "cause" || field === "statusCause") return humanizeIdentifier(value);
    return value;
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return JSON.stringify(value);
}

/** "account_connect_failed" -> "Account connect failed"; "refreshTokenExpiresAt" -> "Refresh token expires at" */
export function humanizeIdentifier(identifier: string): string {
  const words = identifier
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_\-.]+/g, " ")
    .trim()
    .toLowerCase();
  if (!words) return identifier;
  return words.charAt(0).toUpperCase() + words.slice(1);
}
