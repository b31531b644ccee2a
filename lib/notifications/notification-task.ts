// Works one notification eBay pushed: a revocation turns the account's credential "needs re-authorization" with eBay's
// reason, without a Test, and queues the workspace's warning evaluation; an account deletion deletes that eBay user's
// tokens and personal data in every workspace, leaving one history line without personal data.
import { z } from "zod";
import type { Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { now } from "@/lib/clock";
import { getEbayConfig } from "@/lib/ebay/config";
import { auditEventData } from "@/lib/audit/record";
import { accountDisplayName } from "@/lib/accounts/account-name";
import { addJobSql } from "@/lib/jobs/add-job";
import { warningEvaluationJob } from "@/lib/warnings/warning-jobs";
import { warningConfigFromEnv } from "@/lib/upkeep/upkeep-config";
import { columnsAfterCredentialVerdict, type CredentialKind } from "@/lib/tokens/credentials";
import {
  judgeRevocationNotice,
  judgeTokenRevocationNotice,
  REVOKE_REASONS,
  type NeedsReauthVerdict,
} from "@/lib/tokens/verdict";
import type { TokenStatusCode } from "@/lib/ebay/trading";
import type { NotificationJobPayload } from "@/lib/notifications/notification-jobs";

export const EBAY_ACTOR_LABEL = "eBay (notification)";
/** What stands where a deleted eBay user's name was. */
export const DELETED_ACCOUNT_NAME = "Deleted eBay account";

const payloadSchema = z.discriminatedUnion("topic", [
  z.object({ topic: z.literal("MARKETPLACE_ACCOUNT_DELETION"), notificationId: z.string(), userId: z.string().optional(), eiasToken: z.string().optional() }),
  z.object({
    topic: z.literal("AUTHORIZATION_REVOCATION"),
    notificationId: z.string(),
    userId: z.string(),
    eiasToken: z.string().optional(),
    revokeReason: z.enum(REVOKE_REASONS),
    revokedAt: z.string().optional(),
  }),
  z.object({
    topic: z.literal("TokenRevocation"),
    notificationId: z.string(),
    eiasToken: z.string(),
    tokenStatus: z.string(),
    expiresAt: z.string().optional(),
    revokedAt: z.string().optional(),
  }),
]);

export async function runEbayNotificationJob(db: Db, rawPayload: unknown): Promise<void> {
  const payload = payloadSchema.parse(rawPayload) as NotificationJobPayload;
  let outcome: string;
  switch (payload.topic) {
    case "MARKETPLACE_ACCOUNT_DELETION":
      outcome = await deleteEbayUserData(db, payload);
      break;
    case "AUTHORIZATION_REVOCATION":
      outcome = await applyAuthorizationRevocation(db, payload);
      break;
    case "TokenRevocation":
      outcome = await applyTokenRevocation(db, payload);
      break;
  }
  await db.ebayNotification.updateMany({ where: { notificationId: payload.notificationId }, data: { processedAt: now(), outcome } });
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** AUTHORIZATION_REVOCATION: the OAuth grant of that eBay userId is gone, in every workspace that holds it. */
async function applyAuthorizationRevocation(db: Db, payload: Extract<NotificationJobPayload, { topic: "AUTHORIZATION_REVOCATION" }>): Promise<string> {
  const revokedAt = payload.revokedAt ? new Date(payload.revokedAt) : undefined;
  const accounts = await db.ebayAccount.findMany({
    where: { ebayUserId: payload.userId, environment: getEbayConfig().mode, status: { not: "disconnected" }, refreshTokenExpiresAt: { not: null } },
  });
  const verdict = judgeRevocationNotice(payload.revokeReason, revokedAt);
  let applied = 0;
  for (const account of accounts) {
    // About an earlier grant: the seller re-created it after this revocation, so the current one is not affected.
    if (revokedAt && account.oauthGrantedAt && revokedAt.getTime() < account.oauthGrantedAt.getTime()) continue;
    if (await markCredential(db, account, "oauth", verdict, { refreshTokenExpiresAt: account.refreshTokenExpiresAt })) applied += 1;
  }
  return `OAuth grant revoked (${payload.revokeReason}): ${plural(applied, "account")} marked needs re-authorization.`;
}

/** TokenRevocation: one Auth'n'Auth token, named by its user's EIAS token and its exact expiry time. */
async function applyTokenRevocation(db: Db, payload: Extract<NotificationJobPayload, { topic: "TokenRevocation" }>): Promise<string> {
  const verdict = judgeTokenRevocationNotice({
    status: payload.tokenStatus as TokenStatusCode,
    ...(payload.revokedAt ? { revocationTime: new Date(payload.revokedAt) } : {}),
  });
  if (verdict.status !== "needs_reauth") return `TokenRevocation with status ${payload.tokenStatus}: nothing to do.`;
  const expiresAtMs = payload.expiresAt ? Date.parse(payload.expiresAt) : undefined;
  const accounts = await db.ebayAccount.findMany({
    where: { eiasToken: payload.eiasToken, environment: getEbayConfig().mode, status: { not: "disconnected" }, authNAuthExpiresAt: { not: null } },
  });
  let applied = 0;
  for (const account of accounts) {
    // Another (older or newer) token of the same seller: eBay names the revoked one by its expiry.
    if (expiresAtMs !== undefined && Math.abs(account.authNAuthExpiresAt!.getTime() - expiresAtMs) > 1000) continue;
    if (await markCredential(db, account, "authnauth", verdict, { authNAuthExpiresAt: account.authNAuthExpiresAt })) applied += 1;
  }
  return `Auth'n'Auth token revoked (${payload.tokenStatus}): ${plural(applied, "account")} marked needs re-authorization.`;
}

type AccountRow = Awaited<ReturnType<Db["ebayAccount"]["findMany"]>>[number];

/**
 * Compare-and-set on the account's state: the credential turns needs_reauth with eBay's cause, the account's state
 * follows, one history line records it, and the workspace's warnings are evaluated at once. eBay pushing it is a
 * definite word, so it counts as held for warnings (failure streak at least the hold), with no second check needed.
 */
async function markCredential(
  db: Db,
  loaded: AccountRow,
  credential: CredentialKind,
  verdict: NeedsReauthVerdict,
  sameToken: Prisma.EbayAccountWhereInput,
): Promise<boolean> {
  const holdChecks = warningConfigFromEnv().holdChecks;
  const label = credential === "oauth" ? "OAuth token" : "Auth'n'Auth token";
  let account: AccountRow | null = loaded;
  // A miss on stateVersion is another writer on the same account (a Test, or eBay's notice about the other credential
  // arriving at the same moment): read it again and apply this notice on top, rather than dropping it.
  for (let attempt = 0; attempt < STATE_WRITE_ATTEMPTS && account; attempt++) {
    const current: AccountRow = account;
    const columns = columnsAfterCredentialVerdict(current, credential, { status: "needs_reauth", cause: verdict.cause });
    const written = await db.$transaction(async (transaction) => {
      const updated = await transaction.ebayAccount.updateMany({
        where: { id: current.id, stateVersion: current.stateVersion, status: { not: "disconnected" }, ...sameToken },
        data: {
          ...columns,
          statusMessage: verdict.message,
          failureStreak: Math.max(current.failureStreak + 1, holdChecks),
          stateVersion: { increment: 1 },
        },
      });
      if (updated.count !== 1) return false;
      await transaction.auditEvent.create({
        data: auditEventData({
          workspaceId: current.workspaceId,
          actorLabel: EBAY_ACTOR_LABEL,
          accountId: current.id,
          accountName: accountDisplayName(current),
          action: "status_change",
          outcome: "failure",
          detail: `${label}: ${verdict.message}`,
          changes: { status: [current.status, columns.status], cause: [current.statusCause, columns.statusCause] },
        }),
      });
      await transaction.$executeRaw(addJobSql(warningEvaluationJob(current.workspaceId)));
      return true;
    });
    if (written) return true;
    // Gone from this token (disconnected, re-created) or changed under us: the fresh row decides.
    account = await db.ebayAccount.findFirst({ where: { id: current.id, status: { not: "disconnected" }, ...sameToken } });
  }
  return false;
}

const STATE_WRITE_ATTEMPTS = 5;

/**
 * MARKETPLACE_ACCOUNT_DELETION: eBay requires that an app delete what it holds about an eBay user who closed their
 * account. In every workspace: the account rows go (their checks with them), their warnings go, and the history and
 * run items that named them keep their place with the name and details replaced. One line per workspace says it
 * happened, without naming anyone.
 */
async function deleteEbayUserData(db: Db, payload: Extract<NotificationJobPayload, { topic: "MARKETPLACE_ACCOUNT_DELETION" }>): Promise<string> {
  const who: Prisma.EbayAccountWhereInput[] = [];
  if (payload.userId) who.push({ ebayUserId: payload.userId });
  if (payload.eiasToken) who.push({ eiasToken: payload.eiasToken });
  if (who.length === 0) return "No eBay user named: nothing deleted.";
  const accounts = await db.ebayAccount.findMany({ where: { OR: who }, select: { id: true, workspaceId: true } });
  const byWorkspace = new Map<string, string[]>();
  for (const account of accounts) byWorkspace.set(account.workspaceId, [...(byWorkspace.get(account.workspaceId) ?? []), account.id]);

  for (const [workspaceId, ids] of byWorkspace) {
    await db.$transaction([
      db.warning.deleteMany({ where: { workspaceId, accountId: { in: ids } } }),
      db.checkRunItem.updateMany({ where: { workspaceId, accountId: { in: ids } }, data: { accountName: DELETED_ACCOUNT_NAME, message: null } }),
      db.auditEvent.updateMany({
        where: { workspaceId, accountId: { in: ids } },
        data: { accountName: DELETED_ACCOUNT_NAME, detail: "Details removed at eBay's request (the eBay account was deleted).", changes: Prisma.DbNull },
      }),
      db.oAuthState.deleteMany({ where: { workspaceId, accountId: { in: ids } } }),
      db.ebayAccount.deleteMany({ where: { workspaceId, id: { in: ids } } }),
      db.auditEvent.create({
        data: auditEventData({
          workspaceId,
          actorLabel: EBAY_ACTOR_LABEL,
          action: "ebay_account_deleted",
          outcome: "info",
          detail: `eBay reported that an eBay user deleted their eBay account (Marketplace Account Deletion): ${plural(ids.length, "account")} with its tokens and personal data deleted from this workspace.`,
        }),
      }),
    ]);
  }
  return `Marketplace account deletion: ${plural(accounts.length, "account")} deleted in ${plural(byWorkspace.size, "workspace")}.`;
}
