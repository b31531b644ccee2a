-- DropIndex
DROP INDEX "AuditEvent_workspaceId_outcome_createdAt_idx";

-- DropIndex
DROP INDEX "AuditEvent_workspaceId_action_createdAt_idx";

-- DropIndex
DROP INDEX "AuditEvent_workspaceId_accountId_createdAt_idx";

-- CreateIndex
CREATE INDEX "AuditEvent_workspaceId_accountId_createdAt_id_idx" ON "AuditEvent"("workspaceId", "accountId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_workspaceId_action_createdAt_id_idx" ON "AuditEvent"("workspaceId", "action", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_workspaceId_outcome_createdAt_id_idx" ON "AuditEvent"("workspaceId", "outcome", "createdAt", "id");
