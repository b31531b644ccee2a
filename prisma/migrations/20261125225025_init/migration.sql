-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Workspace" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Membership" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Membership_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EbayAccount" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "ebayUserId" TEXT NOT NULL,
    "ebayUsername" TEXT,
    "nickname" TEXT,
    "marketplaceId" TEXT,
    "accountType" TEXT,
    "scopes" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'unchecked',
    "statusCause" TEXT,
    "statusMessage" TEXT,
    "verdictStatus" TEXT NOT NULL DEFAULT 'unchecked',
    "verdictCause" TEXT,
    "stateVersion" INTEGER NOT NULL DEFAULT 0,
    "accessToken" TEXT,
    "accessTokenExpiresAt" DATETIME,
    "refreshToken" TEXT,
    "refreshTokenExpiresAt" DATETIME,
    "connectedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastCheckedAt" DATETIME,
    "lastHealthyAt" DATETIME,
    "lastRefreshedAt" DATETIME,
    "failureStreak" INTEGER NOT NULL DEFAULT 0,
    "disconnectedAt" DATETIME,
    "refreshLeaseOwner" TEXT,
    "refreshLeaseUntil" DATETIME,
    "nextCheckAt" DATETIME,
    "observedStatus" TEXT,
    "observedSince" DATETIME,
    "alertedStatus" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "EbayAccount_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TokenCheck" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "runId" TEXT,
    "verdict" TEXT NOT NULL,
    "cause" TEXT,
    "message" TEXT,
    "refreshed" BOOLEAN NOT NULL DEFAULT false,
    "ebayCalls" INTEGER NOT NULL DEFAULT 0,
    "durationMs" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TokenCheck_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "EbayAccount" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OAuthState" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "stateHash" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "intent" TEXT NOT NULL,
    "accountId" TEXT,
    "environment" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "consumedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "OAuthState_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "actorUserId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "accountId" TEXT,
    "accountName" TEXT,
    "action" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "detail" TEXT NOT NULL DEFAULT '',
    "changes" TEXT,
    "runId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AuditEvent_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RateLimitBucket" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "windowStart" DATETIME NOT NULL,
    "count" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "CheckRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "createdById" TEXT,
    "createdByLabel" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "filterLabel" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "total" INTEGER NOT NULL,
    "done" INTEGER NOT NULL DEFAULT 0,
    "concurrency" INTEGER NOT NULL,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,
    "cancelRequestedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "CheckRun_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CheckRunItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "accountName" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "notBefore" DATETIME,
    "verdict" TEXT,
    "cause" TEXT,
    "message" TEXT,
    "ebayCalls" INTEGER NOT NULL DEFAULT 0,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "CheckRunItem_runId_fkey" FOREIGN KEY ("runId") REFERENCES "CheckRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SchedulerLease" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "owner" TEXT NOT NULL,
    "leaseUntil" DATETIME NOT NULL,
    "lastRunAt" DATETIME
);

-- CreateTable
CREATE TABLE "Warning" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "accountId" TEXT,
    "accountName" TEXT,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "fixPath" TEXT,
    "dedupeKey" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readAt" DATETIME,
    "resolvedAt" DATETIME,
    "emailedAt" DATETIME,
    "webhookSentAt" DATETIME,
    "deliveryError" TEXT,
    CONSTRAINT "Warning_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "WorkspaceAlertSettings" (
    "workspaceId" TEXT NOT NULL PRIMARY KEY,
    "emailRecipients" TEXT NOT NULL DEFAULT '',
    "webhookUrl" TEXT,
    "webhookSecret" TEXT,
    "warningDays" INTEGER NOT NULL DEFAULT 30,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "WorkspaceAlertSettings_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "Membership_userId_idx" ON "Membership"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_workspaceId_userId_key" ON "Membership"("workspaceId", "userId");

-- CreateIndex
CREATE INDEX "EbayAccount_workspaceId_status_idx" ON "EbayAccount"("workspaceId", "status");

-- CreateIndex
CREATE INDEX "EbayAccount_nextCheckAt_idx" ON "EbayAccount"("nextCheckAt");

-- CreateIndex
CREATE UNIQUE INDEX "EbayAccount_workspaceId_environment_ebayUserId_key" ON "EbayAccount"("workspaceId", "environment", "ebayUserId");

-- CreateIndex
CREATE INDEX "TokenCheck_accountId_createdAt_idx" ON "TokenCheck"("accountId", "createdAt");

-- CreateIndex
CREATE INDEX "TokenCheck_workspaceId_createdAt_idx" ON "TokenCheck"("workspaceId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "OAuthState_stateHash_key" ON "OAuthState"("stateHash");

-- CreateIndex
CREATE INDEX "OAuthState_expiresAt_idx" ON "OAuthState"("expiresAt");

-- CreateIndex
CREATE INDEX "AuditEvent_workspaceId_createdAt_id_idx" ON "AuditEvent"("workspaceId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_workspaceId_accountId_createdAt_idx" ON "AuditEvent"("workspaceId", "accountId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_workspaceId_action_createdAt_idx" ON "AuditEvent"("workspaceId", "action", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_workspaceId_outcome_createdAt_idx" ON "AuditEvent"("workspaceId", "outcome", "createdAt");

-- CreateIndex
CREATE INDEX "CheckRun_status_leaseUntil_idx" ON "CheckRun"("status", "leaseUntil");

-- CreateIndex
CREATE INDEX "CheckRun_workspaceId_createdAt_idx" ON "CheckRun"("workspaceId", "createdAt");

-- CreateIndex
CREATE INDEX "CheckRunItem_runId_status_idx" ON "CheckRunItem"("runId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "CheckRunItem_runId_accountId_key" ON "CheckRunItem"("runId", "accountId");

-- CreateIndex
CREATE UNIQUE INDEX "Warning_dedupeKey_key" ON "Warning"("dedupeKey");

-- CreateIndex
CREATE INDEX "Warning_workspaceId_resolvedAt_createdAt_idx" ON "Warning"("workspaceId", "resolvedAt", "createdAt");
