import "server-only";
import type { Db } from "@/lib/db";
import { now } from "@/lib/clock";
import { recordAuditEvent } from "@/lib/audit/record";
import { addJob } from "@/lib/jobs/add-job";
import { warningEvaluationJob } from "@/lib/warnings/warning-jobs";
import { connectWithAuthorizationCode } from "@/lib/tokens/check-token";
import { getEbayConfig } from "@/lib/ebay/config";
import type { OAuthStateRecord } from "@/lib/accounts/oauth-state";
import { accountDisplayName } from "@/lib/accounts/account-name";
import { queueWebhookEventInTransaction } from "@/lib/webhooks/deliveries";

export type OAuthCompletion =
  | { kind: "connected"; accountId: string; accountName: string; reconnected: boolean }
  | { kind: "recreated"; accountId: string; accountName: string }
  | { kind: "wrong_account"; accountId: string; accountName: string; signedInAs: string }
  | { kind: "account_gone" };

type Actor = { userId: string | null; label: string };

/**
 * Finishes a consent that eBay redirected back with: exchanges the code, asks eBay who consented,
 * then connects (one row per eBay userId per workspace) or re-creates the token of the row the
 * seller started from — only if the consenting eBay user is that row's user.
 */
export async function completeOAuth(
  client: Db,
  input: { state: OAuthStateRecord; code: string; actor: Actor },
): Promise<OAuthCompletion> {
  const { state, actor } = input;
  const { grant, ebayUser } = await connectWithAuthorizationCode(input.code);
  const at = now();
  const scopes = getEbayConfig().scopes.join(" ");
  const tokenData = {
    accessToken: grant.accessToken,
    accessTokenExpiresAt: new Date(at.getTime() + grant.accessTokenExpiresIn * 1000),
    refreshToken: grant.refreshToken,
    refreshTokenExpiresAt: new Date(at.getTime() + grant.refreshTokenExpiresIn * 1000),
    scopes,
    status: "healthy",
    statusCause: null,
    statusMessage: null,
    verdictStatus: "healthy",
    verdictCause: null,
    failureStreak: 0,
    lastCheckedAt: at,
    lastHealthyAt: at,
    lastRefreshedAt: at,
    disconnectedAt: null,
    ...(ebayUser.username ? { ebayUsername: ebayUser.username } : {}),
    ...(ebayUser.registrationMarketplaceId ? { marketplaceId: ebayUser.registrationMarketplaceId } : {}),
    ...(ebayUser.accountType ? { accountType: ebayUser.accountType } : {}),
  };
  const signedInAs = ebayUser.username ?? ebayUser.userId;
  // Bumping stateVersion makes any check still judging the previous grant miss its compare-and-set.
  const storeGrant = (accountId: string) =>
    client.ebayAccount.updateMany({
      where: { id: accountId, workspaceId: state.workspaceId },
      data: { ...tokenData, stateVersion: { increment: 1 } },
    });

  if (state.intent === "recreate") {
    const account = state.accountId
      ? await client.ebayAccount.findFirst({ where: { id: state.accountId, workspaceId: state.workspaceId } })
      : null;
    if (!account) return { kind: "account_gone" };
    const accountName = accountDisplayName(account);
    if (account.ebayUserId !== ebayUser.userId) {
      await recordAuditEvent(client, {
        workspaceId: state.workspaceId,
        actorUserId: actor.userId,
        actorLabel: actor.label,
        accountId: account.id,
        accountName,
        action: "account_recreate_failed",
        outcome: "refused",
        detail: `Consent came from eBay user ${signedInAs}, not ${accountName}; nothing was changed.`,
      });
      return { kind: "wrong_account", accountId: account.id, accountName, signedInAs };
    }
    await storeGrant(account.id);
    await recordAuditEvent(client, {
      workspaceId: state.workspaceId,
      actorUserId: actor.userId,
      actorLabel: actor.label,
      accountId: account.id,
      accountName,
      action: "account_recreate",
      outcome: "success",
      detail: "Token has been re-created successfully.",
      changes: { status: [account.status, "healthy"] },
    });
    // A repaired account may end a warning at once ("working again"), not at the next minute's upkeep.
    await addJob(client, warningEvaluationJob(state.workspaceId));
    await queueWebhookEventInTransaction(client, {
      workspaceId: state.workspaceId,
      type: "account.recreated",
      data: { account: { id: account.id, name: accountName, ebayUserId: account.ebayUserId }, status: "healthy", previousStatus: account.status },
    });
    return { kind: "recreated", accountId: account.id, accountName };
  }

  const key = { workspaceId: state.workspaceId, environment: state.environment, ebayUserId: ebayUser.userId };
  const existing = await client.ebayAccount.findFirst({ where: key });
  let accountId: string;
  if (existing) {
    await storeGrant(existing.id);
    accountId = existing.id;
  } else {
    try {
      const created = await client.ebayAccount.create({
        data: { ...key, ...tokenData, connectedAt: at },
        select: { id: true },
      });
      accountId = created.id;
    } catch (error) {
      // Two callbacks for the same eBay user raced: the unique key kept one row; update it instead.
      const raced = await client.ebayAccount.findFirst({ where: key, select: { id: true } });
      if (!raced) throw error;
      await storeGrant(raced.id);
      accountId = raced.id;
    }
  }
  const accountName = accountDisplayName({
    nickname: existing?.nickname ?? null,
    ebayUsername: ebayUser.username ?? existing?.ebayUsername ?? null,
    ebayUserId: ebayUser.userId,
  });
  await recordAuditEvent(client, {
    workspaceId: state.workspaceId,
    actorUserId: actor.userId,
    actorLabel: actor.label,
    accountId,
    accountName,
    action: "account_connect",
    outcome: "success",
    detail: existing
      ? `Reconnected eBay user ${signedInAs}; tokens replaced.`
      : `Connected eBay user ${signedInAs} (${ebayUser.registrationMarketplaceId ?? "marketplace unknown"}).`,
    changes: existing ? { status: [existing.status, "healthy"] } : undefined,
  });
  if (existing) await addJob(client, warningEvaluationJob(state.workspaceId));
  await queueWebhookEventInTransaction(client, {
    workspaceId: state.workspaceId,
    type: "account.connected",
    data: { account: { id: accountId, name: accountName, ebayUserId: ebayUser.userId }, status: "healthy", reconnected: Boolean(existing), via: "consent" },
  });
  return { kind: "connected", accountId, accountName, reconnected: Boolean(existing) };
}
