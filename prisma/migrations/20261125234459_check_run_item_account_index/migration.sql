-- CreateIndex
CREATE INDEX "CheckRunItem_accountId_status_idx" ON "CheckRunItem"("accountId", "status");
