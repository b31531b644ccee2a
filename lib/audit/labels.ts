import type { AuditAction, AuditOutcome } from "@/lib/audit/record";

// Typed as full Records so adding an action or outcome to record.ts fails type-checking here
// until it has a label; the key lists below double as the runtime allow-lists for filters.
const ACTION_LABELS: Record<AuditAction, string> = {
  sign_up: "Signed up",
  sign_in: "Signed in",
  sign_in_failed: "Sign-in failed",
  sign_out: "Signed out",
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

const FIELD_LABELS: Record<string, string> = {
  status: "Status",
  statusCause: "Cause",
  statusMessage: "Message",
  verdictStatus: "Last verdict",
  verdictCause: "Verdict cause",
  nickname: "Nickname",
  ebayUsername: "eBay username",
  ebayUserId: "eBay user ID",
  marketplaceId: "Marketplace",
  environment: "Environment",
  scopes: "Scopes",
  accessTokenExpiresAt: "Access token expiry",
  refreshTokenExpiresAt: "Refresh token expiry",
  lastHealthyAt: "Last healthy",
  disconnectedAt: "Disconnected",
};

const STATUS_VALUE_LABELS: Record<string, string> = {
  unchecked: "Unchecked",
  healthy: "Healthy",
  needs_reauth: "Needs re-authorization",
  ebay_unavailable: "eBay unavailable",
  disconnected: "Disconnected",
};

const STATUS_FIELDS = new Set(["status", "verdictStatus"]);

// The audit table holds no secrets, and this keeps it so even if a caller ever records a
// token-bearing field in a change set: such values never reach the page or the CSV.
const SECRET_FIELD = /(token|secret|password|passwordhash|code|state)$/i;
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
    const secret = SECRET_FIELD.test(field);
    lines.push({
      field,
      fieldLabel: FIELD_LABELS[field] ?? humanizeIdentifier(field),
      before: secret ? REDACTED : formatChangeValue(field, pair[0]),
      after: secret ? REDACTED : formatChangeValue(field, pair[1]),
    });
  }
  return lines;
}

/** "Status: Healthy → Needs re-authorization; Nickname: (none) → Main store" */
export function formatAuditChanges(lines: AuditChangeLine[]): string {
  return lines.map((line) => `${line.fieldLabel}: ${line.before} → ${line.after}`).join("; ");
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
