-- The closed sets of values the code decides (lib/auth/roles.ts, lib/tokens/verdict.ts, lib/checks, lib/warnings),
-- enforced by the database too. Prisma does not model CHECK constraints and leaves them alone when it diffs.
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_role_check" CHECK ("role" IN ('owner', 'admin', 'member', 'viewer'));
ALTER TABLE "EbayAccount" ADD CONSTRAINT "EbayAccount_status_check"
  CHECK ("status" IN ('unchecked', 'healthy', 'needs_reauth', 'ebay_unavailable', 'disconnected'));
ALTER TABLE "EbayAccount" ADD CONSTRAINT "EbayAccount_verdictStatus_check"
  CHECK ("verdictStatus" IN ('unchecked', 'healthy', 'needs_reauth'));
ALTER TABLE "TokenCheck" ADD CONSTRAINT "TokenCheck_verdict_check"
  CHECK ("verdict" IN ('healthy', 'needs_reauth', 'ebay_unavailable'));
ALTER TABLE "TokenCheck" ADD CONSTRAINT "TokenCheck_trigger_check" CHECK ("trigger" IN ('manual', 'bulk', 'scheduler', 'connect'));
ALTER TABLE "OAuthState" ADD CONSTRAINT "OAuthState_intent_check" CHECK ("intent" IN ('connect', 'recreate'));
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_outcome_check" CHECK ("outcome" IN ('success', 'failure', 'refused', 'info'));
ALTER TABLE "CheckRun" ADD CONSTRAINT "CheckRun_status_check"
  CHECK ("status" IN ('queued', 'running', 'cancelling', 'cancelled', 'completed'));
ALTER TABLE "CheckRun" ADD CONSTRAINT "CheckRun_trigger_check" CHECK ("trigger" IN ('manual', 'scheduler'));
ALTER TABLE "CheckRunItem" ADD CONSTRAINT "CheckRunItem_status_check" CHECK ("status" IN ('pending', 'running', 'done', 'cancelled'));
ALTER TABLE "Warning" ADD CONSTRAINT "Warning_kind_check" CHECK ("kind" IN ('needs_reauth', 'expiring', 'unavailable', 'recovered'));

-- Partial indexes over the open rows only, so they stay small however much history piles up.
-- The scheduler's "who is due" scan reads connected accounts only.
CREATE INDEX "EbayAccount_connected_nextCheckAt_idx" ON "EbayAccount"("nextCheckAt") WHERE ("status" <> 'disconnected');
-- Runs still going (the runs page, the scheduler's "is this account already being checked").
CREATE INDEX "CheckRun_open_status_idx" ON "CheckRun"("status") WHERE ("status" IN ('queued', 'running', 'cancelling'));
-- "Is this account waiting in an open run?"
CREATE INDEX "CheckRunItem_open_accountId_idx" ON "CheckRunItem"("accountId") WHERE ("status" IN ('pending', 'running'));
-- The banner and the notifications page read unresolved warnings.
CREATE INDEX "Warning_open_workspaceId_createdAt_idx" ON "Warning"("workspaceId", "createdAt") WHERE ("resolvedAt" IS NULL);
