-- CreateTable
CREATE TABLE "AlertRecipient" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "confirmTokenHash" TEXT,
    "confirmRequestedAt" TIMESTAMPTZ(3),
    "confirmedAt" TIMESTAMPTZ(3),
    "unsubscribedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AlertRecipient_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AlertRecipient_confirmTokenHash_key" ON "AlertRecipient"("confirmTokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "AlertRecipient_workspaceId_email_key" ON "AlertRecipient"("workspaceId", "email");

-- AddForeignKey
ALTER TABLE "AlertRecipient" ADD CONSTRAINT "AlertRecipient_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- What the code decides (lib/warnings/alert-recipients.ts), as for every status column.
ALTER TABLE "AlertRecipient" ADD CONSTRAINT "AlertRecipient_status_check" CHECK ("status" IN ('pending', 'confirmed', 'unsubscribed'));
