import "server-only";
import type { Db } from "@/lib/db";
import { now } from "@/lib/clock";
import { recordAuditEvent } from "@/lib/audit/record";
import { addJob } from "@/lib/jobs/add-job";
import { warningEvaluationJob } from "@/lib/warnings/warning-jobs";
import { EbayApiError } from "@/lib/ebay/errors";
import { fetchAuthNAuthToken, getTradingUser, revokeAuthNAuthToken } from "@/lib/ebay/trading";
import type { OAuthStateRecord } from "@/lib/accounts/oauth-state";
import { accountDisplayName } from "@/lib/accounts/account-name";
import { provisionalEbayUserId, sameEbayUsername } from "@/lib/accounts/provisional-user-id";
import { columnsAfterCredentialVerdict } from "@/lib/tokens/credentials";

export type AuthNAuthCompletion =
  | { kind: "connected"; accountId: string; accountName: string; reconnected: boolean }
  | { kind: "recreated"; accountId: string; accountName: string }
  | { kind: "wrong_account"; accountId: string; accountName: string; signedInAs: string }
  | { kind: "account_gone" };

type Actor = { userId: string; label: string };

/**
 * Finishes an Auth'n'Auth sign-in the seller agreed to: FetchToken for the pending SessionID, GetUser for whose
 * token it is (UserID = username, and the EIAS token), then connects (joining the row of the same seller if one is
 * here, e.g. through OAuth) or re-creates the token of the row the seller started from — only if the new token's EIAS
 * token or UserID is that row's. A token for the wrong seller is revoked at eBay at once and nothing is written.
 */
export async function completeAuthNAuth(client: Db, input: { state: OAuthStateRecord; actor: Actor }): Promise<AuthNAuthCompletion> {
  const { state, actor } = input;
  if (state.flow !== "authnauth" || !state.authNAuthSessionId) throw new Error("not an Auth'n'Auth sign-in");
  const fetched = await fetchAuthNAuthToken(state.authNAuthSessionId);
  const user = await getTradingUser(fetched.token);
  const at = now();
  const audit = (entry: { accountId: string | null; accountName?: string; action: "account_connect" | "account_recreate" | "account_recreate_failed"; outcome: "success" | "refused"; detail: string; changes?: Record<string, [unknown, unknown]> }) =>
    recordAuditEvent(client, { workspaceId: state.workspaceId, actorUserId: actor.userId, actorLabel: actor.label, ...entry });

  // Stores the token on a row, recomputing the account's state with its other credential as it stands.
  const storeToken = async (accountId: string) => {
    const row = await client.ebayAccount.findFirstOrThrow({ where: { id: accountId, workspaceId: state.workspaceId } });
    const columns = columnsAfterCredentialVerdict({ ...row, authNAuthExpiresAt: fetched.hardExpirationTime }, "authnauth", { status: "healthy", cause: null });
    await client.ebayAccount.updateMany({
      where: { id: accountId, workspaceId: state.workspaceId },
      data: {
        authNAuthToken: fetched.token,
        authNAuthExpiresAt: fetched.hardExpirationTime,
        authNAuthGrantedAt: at,
        authNAuthEbayWarningAt: null,
        eiasToken: user.eiasToken,
        // Trading's UserID is the current username: a renamed seller's row follows.
        ebayUsername: user.userId,
        ...columns,
        statusMessage: null,
        disconnectedAt: null,
        lastCheckedAt: at,
        ...(columns.status === "healthy" ? { lastHealthyAt: at, failureStreak: 0 } : {}),
        stateVersion: { increment: 1 },
      },
    });
    return { before: row.status, after: columns.status, row };
  };

  if (state.intent === "recreate") {
    const account = state.accountId ? await client.ebayAccount.findFirst({ where: { id: state.accountId, workspaceId: state.workspaceId } }) : null;
    if (!account) {
      await revokeQuietly(fetched.token);
      return { kind: "account_gone" };
    }
    const accountName = accountDisplayName(account);
    const sameSeller = (account.eiasToken !== null && account.eiasToken === user.eiasToken) || sameEbayUsername(account.ebayUsername, user.userId);
    if (!sameSeller) {
      // The token is of no use to anyone here, and leaving it alive at eBay would be a stray authorization.
      await revokeQuietly(fetched.token);
      await audit({
        accountId: account.id,
        accountName,
        action: "account_recreate_failed",
        outcome: "refused",
        detail: `The Auth'n'Auth token came from eBay user ${user.userId}, not ${accountName}; nothing was changed and that token was revoked.`,
      });
      return { kind: "wrong_account", accountId: account.id, accountName, signedInAs: user.userId };
    }
    const stored = await storeToken(account.id);
    await audit({
      accountId: account.id,
      accountName,
      action: "account_recreate",
      outcome: "success",
      detail: `Auth'n'Auth token has been re-created successfully; it expires on ${fetched.hardExpirationTime.toISOString().slice(0, 10)}.`,
      changes: { status: [stored.before, stored.after] },
    });
    await addJob(client, warningEvaluationJob(state.workspaceId));
    return { kind: "recreated", accountId: account.id, accountName };
  }

  // The same seller, whichever way they came: by EIAS token (immutable), else by username.
  const scope = { workspaceId: state.workspaceId, environment: state.environment };
  const existing =
    (await client.ebayAccount.findFirst({ where: { ...scope, eiasToken: user.eiasToken }, orderBy: { createdAt: "asc" } })) ??
    (await client.ebayAccount.findFirst({ where: { ...scope, ebayUsername: { equals: user.userId, mode: "insensitive" } }, orderBy: { createdAt: "asc" } }));
  let accountId: string;
  let before: string | null = null;
  if (existing) {
    accountId = existing.id;
    before = (await storeToken(existing.id)).before;
  } else {
    const key = { ...scope, ebayUserId: provisionalEbayUserId(user.eiasToken) };
    try {
      accountId = (
        await client.ebayAccount.create({
          data: {
            ...key,
            ebayUsername: user.userId,
            eiasToken: user.eiasToken,
            scopes: "",
            authNAuthToken: fetched.token,
            authNAuthExpiresAt: fetched.hardExpirationTime,
            authNAuthGrantedAt: at,
            authNAuthStatus: "healthy",
            status: "healthy",
            verdictStatus: "healthy",
            lastCheckedAt: at,
            lastHealthyAt: at,
            connectedAt: at,
          },
          select: { id: true },
        })
      ).id;
    } catch (error) {
      const raced = await client.ebayAccount.findFirst({ where: key, select: { id: true } });
      if (!raced) throw error;
      accountId = raced.id;
      await storeToken(accountId);
    }
  }
  const accountName = accountDisplayName({ nickname: existing?.nickname ?? null, ebayUsername: user.userId, ebayUserId: existing?.ebayUserId ?? user.userId });
  await audit({
    accountId,
    accountName,
    action: "account_connect",
    outcome: "success",
    detail: existing
      ? `Connected an Auth'n'Auth token for eBay user ${user.userId} (expires ${fetched.hardExpirationTime.toISOString().slice(0, 10)}).`
      : `Connected eBay user ${user.userId} with an Auth'n'Auth token (expires ${fetched.hardExpirationTime.toISOString().slice(0, 10)}).`,
    ...(existing ? { changes: { status: [before, (await client.ebayAccount.findFirstOrThrow({ where: { id: accountId }, select: { status: true } })).status] } } : {}),
  });
  if (existing) await addJob(client, warningEvaluationJob(state.workspaceId));
  return { kind: "connected", accountId, accountName, reconnected: Boolean(existing) };
}

async function revokeQuietly(token: string): Promise<void> {
  try {
    await revokeAuthNAuthToken(token);
  } catch (error) {
    if (!(error instanceof EbayApiError)) throw error;
    console.warn(`Auth'n'Auth sign-in: eBay did not confirm revoking an unwanted token (${error.message})`);
  }
}
