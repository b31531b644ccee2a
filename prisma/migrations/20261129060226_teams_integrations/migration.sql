-- Teams and integrations: tags on accounts, invitations, API keys, webhook endpoints and their deliveries,
-- re-authorization links. The warning webhook saved in WorkspaceAlertSettings becomes a webhook endpoint (below,
-- before its columns are dropped): same URL, same sealed secret, the warning events, and the old body and
-- X-ChannelKeys-Signature header next to the Standard Webhooks ones, so its receiver keeps working unchanged.
-- AlterTable
ALTER TABLE "EbayAccount" ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "OAuthState" ADD COLUMN     "reauthLinkId" TEXT,
ALTER COLUMN "userId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "Invitation" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "invitedById" TEXT,
    "invitedByLabel" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "acceptedAt" TIMESTAMPTZ(3),
    "acceptedById" TEXT,
    "revokedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "scopes" TEXT[],
    "expiresAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),
    "lastUsedAt" TIMESTAMPTZ(3),
    "createdById" TEXT,
    "createdByLabel" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookEndpoint" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "signingSecret" TEXT NOT NULL,
    "format" TEXT NOT NULL DEFAULT 'standard',
    "events" TEXT[],
    "disabledAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "WebhookEndpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "eventType" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastStatusCode" INTEGER,
    "lastError" TEXT,
    "lastAttemptAt" TIMESTAMPTZ(3),
    "succeededAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReauthLink" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdById" TEXT,
    "createdByLabel" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),
    "outcome" TEXT,
    "outcomeDetail" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReauthLink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Invitation_tokenHash_key" ON "Invitation"("tokenHash");

-- CreateIndex
CREATE INDEX "Invitation_workspaceId_createdAt_idx" ON "Invitation"("workspaceId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_prefix_key" ON "ApiKey"("prefix");

-- CreateIndex
CREATE INDEX "ApiKey_workspaceId_createdAt_idx" ON "ApiKey"("workspaceId", "createdAt");

-- CreateIndex
CREATE INDEX "WebhookEndpoint_workspaceId_createdAt_idx" ON "WebhookEndpoint"("workspaceId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_messageId_key" ON "WebhookDelivery"("messageId");

-- CreateIndex
CREATE INDEX "WebhookDelivery_workspaceId_createdAt_idx" ON "WebhookDelivery"("workspaceId", "createdAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_endpointId_createdAt_idx" ON "WebhookDelivery"("endpointId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ReauthLink_tokenHash_key" ON "ReauthLink"("tokenHash");

-- CreateIndex
CREATE INDEX "ReauthLink_workspaceId_accountId_createdAt_idx" ON "ReauthLink"("workspaceId", "accountId", "createdAt");

-- AddForeignKey
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookEndpoint" ADD CONSTRAINT "WebhookEndpoint_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "WebhookEndpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReauthLink" ADD CONSTRAINT "ReauthLink_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReauthLink" ADD CONSTRAINT "ReauthLink_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "EbayAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The saved warning webhooks, moved to endpoints. The secret is copied as stored (sealed with the token cipher,
-- which lib/db.ts opens for signingSecret too), "legacy_warning" signs with it as raw bytes.
INSERT INTO "WebhookEndpoint" ("id", "workspaceId", "url", "description", "signingSecret", "format", "events", "createdAt", "updatedAt")
SELECT 'legacy_' || "workspaceId", "workspaceId", "webhookUrl", 'Warning webhook (from alert settings)', "webhookSecret", 'legacy_warning',
       ARRAY['account.needs_reauth', 'account.expiring', 'account.unavailable', 'account.recovered'], CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM "WorkspaceAlertSettings"
WHERE "webhookUrl" IS NOT NULL AND "webhookSecret" IS NOT NULL;

ALTER TABLE "WorkspaceAlertSettings" DROP COLUMN "webhookSecret",
DROP COLUMN "webhookUrl";

-- Closed sets, as in 20261129053801_checks_and_partial_indexes.
ALTER TABLE "EbayAccount" ADD CONSTRAINT "EbayAccount_tags_check" CHECK ("tags" IS NOT NULL AND cardinality("tags") <= 20);
CREATE INDEX "EbayAccount_tags_idx" ON "EbayAccount" USING GIN ("tags");
ALTER TABLE "OAuthState" DROP CONSTRAINT "OAuthState_intent_check";
ALTER TABLE "OAuthState" ADD CONSTRAINT "OAuthState_intent_check" CHECK ("intent" IN ('connect', 'recreate', 'reauth_link'));
-- A signed-in user's consent, or a re-authorization link's: one of the two, never neither.
ALTER TABLE "OAuthState" ADD CONSTRAINT "OAuthState_owner_check"
  CHECK (("intent" = 'reauth_link' AND "reauthLinkId" IS NOT NULL AND "accountId" IS NOT NULL) OR ("intent" <> 'reauth_link' AND "userId" IS NOT NULL));
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_role_check" CHECK ("role" IN ('owner', 'admin', 'member', 'viewer'));
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_scopes_check"
  CHECK (cardinality("scopes") >= 1 AND "scopes" <@ ARRAY['accounts:read', 'accounts:write', 'tokens:read']::TEXT[]);
ALTER TABLE "WebhookEndpoint" ADD CONSTRAINT "WebhookEndpoint_format_check" CHECK ("format" IN ('standard', 'legacy_warning'));
ALTER TABLE "WebhookEndpoint" ADD CONSTRAINT "WebhookEndpoint_events_check"
  CHECK (cardinality("events") >= 1 AND "events" <@ ARRAY['account.connected', 'account.recreated', 'account.needs_reauth', 'account.recovered',
    'account.expiring', 'account.unavailable', 'account.disconnected', 'check_run.completed']::TEXT[]);
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_status_check" CHECK ("status" IN ('pending', 'succeeded', 'failed'));
ALTER TABLE "ReauthLink" ADD CONSTRAINT "ReauthLink_outcome_check" CHECK ("outcome" IS NULL OR "outcome" IN ('recreated', 'wrong_account', 'failed'));

-- Open invitations of a workspace (the members page) and pending invitations of an address (one at a time).
CREATE UNIQUE INDEX "Invitation_open_workspaceId_email_key" ON "Invitation"("workspaceId", lower("email"))
  WHERE ("acceptedAt" IS NULL AND "revokedAt" IS NULL);
