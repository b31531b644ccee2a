import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import { now } from "@/lib/clock";

// Anything with an auditEvent delegate: the shared client or a transaction client, so an
// audit entry can commit atomically with the state change it describes.
type AuditWriter = { auditEvent: { create(args: { data: Prisma.AuditEventUncheckedCreateInput }): Promise<unknown> } };

export type AuditOutcome = "success" | "failure" | "refused" | "info";

export type AuditAction =
  | "sign_up"
  | "sign_in"
  | "sign_in_failed"
  | "sign_out"
  | "sign_out_everywhere"
  | "password_change"
  | "password_reset_request"
  | "password_reset"
  | "account_connect"
  | "account_connect_failed"
  | "account_test"
  | "token_refresh"
  | "account_recreate"
  | "account_recreate_failed"
  | "account_rename"
  | "account_disconnect"
  | "oauth_declined"
  | "oauth_state_rejected"
  | "status_change"
  | "check_run_start"
  | "check_run_finish"
  | "check_run_cancel"
  | "alert_settings_update"
  | "audit_export"
  | "ebay_account_deleted"

  | "account_tags_update"
  | "account_import"
  | "token_issue"
  | "api_key_create"
  | "api_key_revoke"
  | "invitation_create"
  | "invitation_revoke"
  | "invitation_accept"
  | "member_role_change"
  | "member_remove"
  | "member_leave"
  | "webhook_endpoint_create"
  | "webhook_endpoint_update"
  | "webhook_endpoint_delete"
  | "webhook_redeliver"
  | "reauth_link_create"
  | "reauth_link_revoke"
  | "reauth_link_use";

/** {field: [before, after]}: what a change set looks like in the history. */
export type AuditChanges = Record<string, [unknown, unknown]>;

export type AuditEventInput = {
  workspaceId: string;
  actorUserId?: string | null;
  /** Who did it, as shown in the history: a user's email, "scheduler", "eBay". */
  actorLabel: string;
  accountId?: string | null;
  accountName?: string | null;
  action: AuditAction;
  outcome: AuditOutcome;
  detail?: string;
  changes?: AuditChanges;
  runId?: string | null;
};

export async function recordAuditEvent(writer: AuditWriter, event: AuditEventInput): Promise<void> {
  await writer.auditEvent.create({ data: auditEventData(event) });
}

/** The row recordAuditEvent writes, for callers that batch it with other writes in one transaction. */
export function auditEventData(event: AuditEventInput): Prisma.AuditEventUncheckedCreateInput {
  return {
    workspaceId: event.workspaceId,
    actorUserId: event.actorUserId ?? null,
    actorLabel: event.actorLabel,
    accountId: event.accountId ?? null,
    accountName: event.accountName ?? null,
    action: event.action,
    outcome: event.outcome,
    detail: event.detail ?? "",
    changes: event.changes ? (event.changes as Prisma.InputJsonObject) : undefined,
    runId: event.runId ?? null,
    // The product's clock, not the database's: under a test clock the history must sit on the
    // same time axis as the expiries it explains.
    createdAt: now(),
  };
}
