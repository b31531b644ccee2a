import "server-only";
import type { Db } from "@/lib/db";
import { now } from "@/lib/clock";
import { recordAuditEvent } from "@/lib/audit/record";
import { addJob } from "@/lib/jobs/add-job";
import { warningEvaluationJob } from "@/lib/warnings/warning-jobs";
import { connectWithAuthorizationCode } from "@/lib/tokens/check-token";
import { getEbayConfig } from "@/lib/ebay/config";
import { EbayApiError } from "@/lib/ebay/errors";
import { getTokenStatus } from "@/lib/ebay/trading";
import type { OAuthStateRecord } from "@/lib/accounts/oauth-state";
import { accountDisplayName } from "@/lib/accounts/account-name";
import { isProvisionalEbayUserId, sameEbayUsername } from "@/lib/accounts/provisional-user-id";
import { columnsAfterCredentialVerdict } from "@/lib/tokens/credentials";
import { queueWebhookEventInTransaction } from "@/lib/webhooks/deliveries";

export type OAuthCompletion =
  | { kind: "connected"; accountId: string; accountName: string; reconnected: boolean }
  | { kind: "recreated"; accountId: string; accountName: string; bothTokens: boolean }
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
  const eiasToken = await eiasTokenOf(grant.accessToken);
  const at = now();
  const scopes = getEbayConfig().scopes.join(" ");
  const refreshTokenExpiresAt = new Date(at.getTime() + grant.refreshTokenExpiresIn * 1000);
  const tokenData = {
    accessToken: grant.accessToken,
    accessTokenExpiresAt: new Date(at.getTime() + grant.accessTokenExpiresIn * 1000),
    refreshToken: grant.refreshToken,
    refreshTokenExpiresAt,
    oauthGrantedAt: at,
    scopes,
    statusMessage: null,
    failureStreak: 0,
    lastCheckedAt: at,
    lastHealthyAt: at,
    lastRefreshedAt: at,
    disconnectedAt: null,
    ...(ebayUser.username ? { ebayUsername: ebayUser.username } : {}),
    ...(ebayUser.registrationMarketplaceId ? { marketplaceId: ebayUser.registrationMarketplaceId } : {}),
    ...(ebayUser.accountType ? { accountType: ebayUser.accountType } : {}),
    ...(eiasToken ? { eiasToken } : {}),
  };
  const signedInAs = ebayUser.username ?? ebayUser.userId;
  // The new grant is healthy; the account's state also weighs its Auth'n'Auth token, if it holds one. Bumping
  // stateVersion makes any check still judging the previous grant miss its compare-and-set. A row known so far only
  // by its Auth'n'Auth token learns its real userId here.
  const storeGrant = async (accountId: string) => {
    const row = await client.ebayAccount.findFirstOrThrow({ where: { id: accountId, workspaceId: state.workspaceId } });
    const verdictColumns = columnsAfterCredentialVerdict({ ...row, refreshTokenExpiresAt }, "oauth", { status: "healthy", cause: null });
    return client.ebayAccount.updateMany({
      where: { id: accountId, workspaceId: state.workspaceId },
      data: {
        ...tokenData,
        ...verdictColumns,
        ...(isProvisionalEbayUserId(row.ebayUserId) ? { ebayUserId: ebayUser.userId } : {}),
        stateVersion: { increment: 1 },
      },
    });
  };
  const isSameSeller = (account: { ebayUserId: string; eiasToken: string | null; ebayUsername: string | null }) =>
    account.ebayUserId === ebayUser.userId ||
    (isProvisionalEbayUserId(account.ebayUserId) &&
      ((eiasToken !== undefined && account.eiasToken === eiasToken) || sameEbayUsername(account.ebayUsername, ebayUser.username)));

  if (state.intent === "recreate") {
    const account = state.accountId
      ? await client.ebayAccount.findFirst({ where: { id: state.accountId, workspaceId: state.workspaceId } })
      : null;
    if (!account) return { kind: "account_gone" };
    const accountName = accountDisplayName(account);
    if (!isSameSeller(account)) {
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
    const after = await client.ebayAccount.findFirstOrThrow({ where: { id: account.id }, select: { status: true } });
    await recordAuditEvent(client, {
      workspaceId: state.workspaceId,
      actorUserId: actor.userId,
      actorLabel: actor.label,
      accountId: account.id,
      accountName,
      action: "account_recreate",
      outcome: "success",
      detail: "OAuth token has been re-created successfully.",
      changes: { status: [account.status, after.status] },
    });
    // A repaired account may end a warning at once ("working again"), not at the next minute's upkeep.
    await addJob(client, warningEvaluationJob(state.workspaceId));
    await queueWebhookEventInTransaction(client, {
      workspaceId: state.workspaceId,
      type: "account.recreated",
      data: { account: { id: account.id, name: accountName, ebayUserId: account.ebayUserId }, status: "healthy", previousStatus: account.status },
    });
    return { kind: "recreated", accountId: account.id, accountName, bothTokens: state.bothTokens && account.authNAuthExpiresAt !== null };
  }

  const key = { workspaceId: state.workspaceId, environment: state.environment, ebayUserId: ebayUser.userId };
  // The same seller may already be here through an Auth'n'Auth token alone (a placeholder userId): the grant joins
  // that row, so one eBay account holds both credentials.
  const existing =
    (await client.ebayAccount.findFirst({ where: key })) ??
    (await client.ebayAccount.findFirst({
      where: {
        workspaceId: state.workspaceId,
        environment: state.environment,
        ebayUserId: { startsWith: "eias:" },
        OR: [
          ...(eiasToken ? [{ eiasToken }] : []),
          ...(ebayUser.username ? [{ ebayUsername: { equals: ebayUser.username, mode: "insensitive" as const } }] : []),
        ],
      },
      orderBy: { createdAt: "asc" },
    }));
  let accountId: string;
  if (existing) {
    await storeGrant(existing.id);
    accountId = existing.id;
  } else {
    try {
      const created = await client.ebayAccount.create({
        data: {
          ...key,
          ...tokenData,
          oauthStatus: "healthy",
          oauthCause: null,
          status: "healthy",
          statusCause: null,
          verdictStatus: "healthy",
          verdictCause: null,
          connectedAt: at,
        },
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
      ? isProvisionalEbayUserId(existing.ebayUserId)
        ? `Added an OAuth grant for eBay user ${signedInAs}, already connected with an Auth'n'Auth token.`
        : `Reconnected eBay user ${signedInAs}; tokens replaced.`
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

/**
 * The seller's EIAS token, which GetTokenStatus carries: it ties a later Auth'n'Auth token, and eBay's notifications
 * about it, to this account. Worth one call at connect time, but never a reason to fail the connect.
 */
async function eiasTokenOf(accessToken: string): Promise<string | undefined> {
  try {
    return (await getTokenStatus(accessToken)).eiasToken;
  } catch (error) {
    if (error instanceof EbayApiError) return undefined;
    throw error;
  }
}
