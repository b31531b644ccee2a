-- DropIndex
DROP INDEX "TokenCheck_accountId_createdAt_idx";

-- CreateIndex
CREATE INDEX "TokenCheck_workspaceId_accountId_createdAt_idx" ON "TokenCheck"("workspaceId", "accountId", "createdAt");
