-- AlterTable
ALTER TABLE "EbayAccount" ADD COLUMN     "authNAuthCause" TEXT,
ADD COLUMN     "authNAuthEbayWarningAt" TIMESTAMPTZ(3),
ADD COLUMN     "authNAuthExpiresAt" TIMESTAMPTZ(3),
ADD COLUMN     "authNAuthGrantedAt" TIMESTAMPTZ(3),
ADD COLUMN     "authNAuthStatus" TEXT,
ADD COLUMN     "authNAuthToken" TEXT,
ADD COLUMN     "eiasToken" TEXT,
ADD COLUMN     "oauthCause" TEXT,
ADD COLUMN     "oauthGrantedAt" TIMESTAMPTZ(3),
ADD COLUMN     "oauthStatus" TEXT;

-- AlterTable
ALTER TABLE "OAuthState" ADD COLUMN     "authNAuthSessionId" TEXT,
ADD COLUMN     "flow" TEXT NOT NULL DEFAULT 'oauth',
ADD COLUMN     "bothTokens" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "EbayNotification" (
    "id" TEXT NOT NULL,
    "notificationId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMPTZ(3),
    "outcome" TEXT,

    CONSTRAINT "EbayNotification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "EbayNotification_notificationId_key" ON "EbayNotification"("notificationId");

-- CreateIndex
CREATE INDEX "EbayAccount_ebayUserId_idx" ON "EbayAccount"("ebayUserId");

-- CreateIndex
CREATE INDEX "EbayAccount_eiasToken_idx" ON "EbayAccount"("eiasToken");

-- Hand-written: the closed sets of values these columns take (lib/tokens/credentials.ts, lib/accounts/oauth-state.ts,
-- lib/notifications), enforced by the database too.
ALTER TABLE "EbayAccount" ADD CONSTRAINT "EbayAccount_oauthStatus_check" CHECK ("oauthStatus" IN ('unchecked', 'healthy', 'needs_reauth'));
ALTER TABLE "EbayAccount" ADD CONSTRAINT "EbayAccount_authNAuthStatus_check" CHECK ("authNAuthStatus" IN ('unchecked', 'healthy', 'needs_reauth'));
ALTER TABLE "OAuthState" ADD CONSTRAINT "OAuthState_flow_check" CHECK ("flow" IN ('oauth', 'authnauth'));
ALTER TABLE "EbayNotification" ADD CONSTRAINT "EbayNotification_topic_check"
  CHECK ("topic" IN ('MARKETPLACE_ACCOUNT_DELETION', 'AUTHORIZATION_REVOCATION', 'TokenRevocation'));

-- Every account connected before this migration holds an OAuth grant only: its own verdict is the account's, and it
-- was granted when its refresh token's 47,304,000-second life began.
UPDATE "EbayAccount" SET
  "oauthStatus" = "verdictStatus",
  "oauthCause" = "verdictCause",
  "oauthGrantedAt" = "refreshTokenExpiresAt" - interval '47304000 seconds'
WHERE "refreshTokenExpiresAt" IS NOT NULL;
