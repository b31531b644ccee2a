-- Read marks per member (security review, finding 8): Warning."readAt" was one mark for the whole workspace.
-- CreateTable
CREATE TABLE "WarningRead" (
    "warningId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "readAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "WarningRead_pkey" PRIMARY KEY ("warningId","userId")
);

-- CreateIndex
CREATE INDEX "WarningRead_userId_idx" ON "WarningRead"("userId");

-- AddForeignKey
ALTER TABLE "WarningRead" ADD CONSTRAINT "WarningRead_warningId_fkey" FOREIGN KEY ("warningId") REFERENCES "Warning"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WarningRead" ADD CONSTRAINT "WarningRead_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A warning someone had marked read for the whole workspace stays read for everyone who was a member then.
INSERT INTO "WarningRead" ("warningId", "userId", "readAt")
SELECT "Warning"."id", "Membership"."userId", "Warning"."readAt"
FROM "Warning" JOIN "Membership" ON "Membership"."workspaceId" = "Warning"."workspaceId"
WHERE "Warning"."readAt" IS NOT NULL;

-- AlterTable
ALTER TABLE "Warning" DROP COLUMN "readAt";
