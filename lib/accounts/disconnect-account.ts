import "server-only";
import type { Db } from "@/lib/db";
import { now } from "@/lib/clock";
import { recordAuditEvent } from "@/lib/audit/record";
import { addJob } from "@/lib/jobs/add-job";
import { warningEvaluationJob } from "@/lib/warnings/warning-jobs";
import { revokeUserToken } from "@/lib/ebay/oauth";
import { revokeAuthNAuthToken } from "@/lib/ebay/trading";
import { accountDisplayName } from "@/lib/accounts/account-name";
import { EBAY_THIRD_PARTY_AUTHORIZATIONS_PATH } from "@/lib/accounts/ebay-paths";
import type { Actor } from "@/lib/accounts/test-account";
import { queueWebhookEventInTransaction } from "@/lib/webhooks/deliveries";


/**
 * Deletes the account's tokens (asking eBay to revoke them first: the OAuth grant through the revoke endpoint, which
 * eBay may not honour, and the Auth'n'Auth token through Trading RevokeToken) and marks it disconnected. The row and its history stay, so the audit trail and a
 * later reconnect keep the same identity.
 */
export async function disconnectAccount(
  client: Db,
  input: { workspaceId: string; accountId: string; actor: Actor },
): Promise<{ revokedAtEbay: boolean; accountName: string } | null> {
  const account = await client.ebayAccount.findFirst({
    where: { id: input.accountId, workspaceId: input.workspaceId, status: { not: "disconnected" } },
    omit: { accessToken: false, refreshToken: false, authNAuthToken: false },
  });
  if (!account) return null;

  // Every token the account holds is offered to eBay; "revoked at eBay" means eBay confirmed all of them.
  const revocations: Array<{ what: string; revoke: () => Promise<void> }> = [];
  if (account.refreshToken) revocations.push({ what: "OAuth grant", revoke: () => revokeUserToken(account.refreshToken!, "refresh_token") });
  if (account.authNAuthToken) revocations.push({ what: "Auth'n'Auth token", revoke: () => revokeAuthNAuthToken(account.authNAuthToken!) });
  let revokedAtEbay = revocations.length > 0;
  for (const { what, revoke } of revocations) {
    try {
      await revoke();
    } catch (error) {
      revokedAtEbay = false;
      console.warn(
        `disconnect ${account.id}: eBay did not confirm revoking the ${what} (${error instanceof Error ? error.message : "unknown error"})`,
      );
    }
  }

  const at = now();
  const written = await client.ebayAccount.updateMany({
    where: { id: account.id, workspaceId: input.workspaceId, status: { not: "disconnected" } },
    data: {
      accessToken: null,
      accessTokenExpiresAt: null,
      refreshToken: null,
      refreshTokenExpiresAt: null,
      oauthStatus: null,
      oauthCause: null,
      authNAuthToken: null,
      authNAuthExpiresAt: null,
      authNAuthStatus: null,
      authNAuthCause: null,
      authNAuthEbayWarningAt: null,
      status: "disconnected",
      statusCause: null,
      statusMessage: null,
      disconnectedAt: at,
      stateVersion: { increment: 1 },
    },
  });
  const accountName = accountDisplayName(account);
  if (written.count === 0) return null;
  await recordAuditEvent(client, {
    workspaceId: input.workspaceId,
    actorUserId: input.actor.userId,
    actorLabel: input.actor.label,
    accountId: account.id,
    accountName,
    action: "account_disconnect",
    outcome: "success",
    detail: revokedAtEbay
      ? "Tokens revoked at eBay and deleted."
      : `Tokens deleted. eBay did not confirm revocation: remove the app under ${EBAY_THIRD_PARTY_AUTHORIZATIONS_PATH}.`,
    changes: { status: [account.status, "disconnected"] },
  });
  // Its open warnings are resolved at once rather than at the next minute's upkeep.
  await addJob(client, warningEvaluationJob(input.workspaceId));
  await queueWebhookEventInTransaction(client, {
    workspaceId: input.workspaceId,
    type: "account.disconnected",
    data: { account: { id: account.id, name: accountName, ebayUserId: account.ebayUserId }, status: "disconnected", revokedAtEbay },
  });
  return { revokedAtEbay, accountName };
}
