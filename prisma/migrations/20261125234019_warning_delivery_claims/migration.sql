-- AlterTable
ALTER TABLE "Warning" ADD COLUMN "deliveryClaimOwner" TEXT;
ALTER TABLE "Warning" ADD COLUMN "deliveryClaimUntil" DATETIME;
ALTER TABLE "Warning" ADD COLUMN "deliverySettledAt" DATETIME;

-- CreateIndex
CREATE INDEX "Warning_deliverySettledAt_createdAt_id_idx" ON "Warning"("deliverySettledAt", "createdAt", "id");
