import "server-only";
// An access token for an integration (POST /api/v1/accounts/{id}/access-token): one with at least 5 minutes left,
// refreshed when needed through the same single flight as every other refresh (one promise per account in this
// process, a PostgreSQL advisory lock across processes), so any number of callers asking at once cost eBay one
// refresh. Each issuance is in the history, never the token itself. An account whose grant is dead answers with its
// cause and the page that fixes it instead of a token.
import type { Db } from "@/lib/db";
import { now } from "@/lib/clock";
import { recordAuditEvent } from "@/lib/audit/record";
import { addJob } from "@/lib/jobs/add-job";
import { warningEvaluationJob } from "@/lib/warnings/warning-jobs";
import { refreshUserAccessToken } from "@/lib/ebay/oauth";
import { EbayApiError, EbayInputError } from "@/lib/ebay/errors";
import { AdvisoryLockTimeoutError } from "@/lib/advisory-lock";
import { singleFlight } from "@/lib/accounts/single-flight";
import { refreshOnce } from "@/lib/accounts/refresh-lock";
import { accountDisplayName } from "@/lib/accounts/account-name";
import { ACCESS_TOKEN_REFRESH_MARGIN_MS } from "@/lib/tokens/check-token";
import { judgeRefreshFailure, needsReauth, type Verdict } from "@/lib/tokens/verdict";
import type { Actor } from "@/lib/accounts/test-account";

/** The least lifetime an issued token has left (the refresh margin: 5 minutes). */
export const MIN_ISSUED_TOKEN_LIFETIME_MS = ACCESS_TOKEN_REFRESH_MARGIN_MS;

export type IssuedAccessToken = {
  accessToken: string;
  expiresAt: Date;
  scopes: string[];
  ebayUserId: string;
  environment: string;
};

export type IssueAccessTokenResult =
  | { kind: "issued"; token: IssuedAccessToken; refreshed: boolean }
  | { kind: "needs_reauth"; accountId: string; accountName: string; cause: string | null; message: string }
  | { kind: "ebay_unavailable"; cause: string; message: string; retryAfterSeconds: number }
  | { kind: "disconnected" }
  | { kind: "not_found" };

export async function issueAccessToken(
  client: Db,
  input: { workspaceId: string; accountId: string; actor: Actor },
): Promise<IssueAccessTokenResult> {
  const account = await client.ebayAccount.findFirst({
    where: { id: input.accountId, workspaceId: input.workspaceId },
    omit: { accessToken: false, refreshToken: false },
  });
  if (!account) return { kind: "not_found" };
  if (account.status === "disconnected") return { kind: "disconnected" };
  const accountName = accountDisplayName(account);
  const scopes = account.scopes.split(" ").filter(Boolean);
  // The last definite verdict decides: an eBay outage on top of a dead grant is still a dead grant.
  if (account.verdictStatus === "needs_reauth" || account.status === "needs_reauth") {
    const cause = account.verdictStatus === "needs_reauth" ? account.verdictCause : account.statusCause;
    return { kind: "needs_reauth", accountId: account.id, accountName, cause, message: account.statusMessage ?? "This account needs re-authorization." };
  }

  const issue = async (accessToken: string, expiresAt: Date, refreshed: boolean): Promise<IssueAccessTokenResult> => {
    await recordAuditEvent(client, {
      workspaceId: input.workspaceId,
      actorUserId: input.actor.userId,
      actorLabel: input.actor.label,
      accountId: account.id,
      accountName,
      action: "token_issue",
      outcome: "success",
      detail: `Access token issued${refreshed ? " (refreshed for this request)" : ""}; valid until ${expiresAt.toISOString()}.`,
    });
    return { kind: "issued", refreshed, token: { accessToken, expiresAt, scopes, ebayUserId: account.ebayUserId, environment: account.environment } };
  };

  const at = now();
  if (account.accessToken && account.accessTokenExpiresAt && account.accessTokenExpiresAt.getTime() - at.getTime() > MIN_ISSUED_TOKEN_LIFETIME_MS) {
    return issue(account.accessToken, account.accessTokenExpiresAt, false);
  }
  if (!account.refreshToken) return recordDeadGrant(client, account, input.actor, needsReauth("invalid_token", "No refresh token is stored for this account."));

  let refreshedHere = false;
  try {
    const refreshToken = account.refreshToken;
    const result = await singleFlight(`refresh:${account.id}`, () =>
      refreshOnce(client, {
        accountId: account.id,
        staleAccessToken: account.accessToken,
        refreshTokenExpiresAt: account.refreshTokenExpiresAt,
        refresh: async () => {
          refreshedHere = true;
          return refreshUserAccessToken(refreshToken, scopes);
        },
      }),
    );
    const expiresAt = new Date(now().getTime() + result.expiresIn * 1000);
    if (refreshedHere) {
      await recordAuditEvent(client, {
        workspaceId: input.workspaceId,
        actorUserId: input.actor.userId,
        actorLabel: input.actor.label,
        accountId: account.id,
        accountName,
        action: "token_refresh",
        outcome: "success",
        detail: `Access token refreshed; valid until ${expiresAt.toISOString()}.`,
      });
    }
    return issue(result.accessToken, expiresAt, refreshedHere);
  } catch (error) {
    if (error instanceof AdvisoryLockTimeoutError) {
      return { kind: "ebay_unavailable", cause: "timeout", message: "Another refresh of this account is taking too long. Try again shortly.", retryAfterSeconds: 5 };
    }
    if (error instanceof EbayInputError) {
      return recordDeadGrant(client, account, input.actor, needsReauth("invalid_token", "The stored refresh token is damaged (cut off at its first '#')."));
    }
    if (!(error instanceof EbayApiError)) throw error;
    // Only the caller whose refresh eBay refused judges it; callers that shared its promise hear the same answer.
    const verdict = judgeRefreshFailure(error, { refreshTokenExpiresAt: account.refreshTokenExpiresAt, now: now() });
    if (verdict.status === "ebay_unavailable") {
      return { kind: "ebay_unavailable", cause: verdict.cause, message: verdict.message, retryAfterSeconds: verdict.retryAfterSeconds ?? 30 };
    }
    if (verdict.status === "healthy") throw error;
    return recordDeadGrant(client, account, input.actor, verdict);
  }
}

type LoadedAccount = { id: string; workspaceId: string; stateVersion: number; status: string; statusCause: string | null; failureStreak: number; refreshTokenExpiresAt: Date | null; nickname: string | null; ebayUsername: string | null; ebayUserId: string };

/** eBay's definite "no" to the refresh: written onto the account (compare-and-set, as a Test would) and answered. */
async function recordDeadGrant(client: Db, account: LoadedAccount, actor: Actor, verdict: Verdict): Promise<IssueAccessTokenResult> {
  const accountName = accountDisplayName(account);
  if (verdict.status !== "needs_reauth") throw new Error("recordDeadGrant needs a needs_reauth verdict");
  const at = now();
  const written = await client.ebayAccount.updateMany({
    where: { id: account.id, workspaceId: account.workspaceId, stateVersion: account.stateVersion, status: { not: "disconnected" }, refreshTokenExpiresAt: account.refreshTokenExpiresAt },
    data: {
      status: "needs_reauth",
      statusCause: verdict.cause,
      statusMessage: verdict.message,
      verdictStatus: "needs_reauth",
      verdictCause: verdict.cause,
      failureStreak: account.failureStreak + 1,
      lastCheckedAt: at,
      stateVersion: { increment: 1 },
    },
  });
  await recordAuditEvent(client, {
    workspaceId: account.workspaceId,
    actorUserId: actor.userId,
    actorLabel: actor.label,
    accountId: account.id,
    accountName,
    action: "token_issue",
    outcome: "failure",
    detail: `No access token issued: ${verdict.message}`,
    changes: written.count === 1 && (account.status !== "needs_reauth" || account.statusCause !== verdict.cause) ? { status: [account.status, "needs_reauth"], cause: [account.statusCause, verdict.cause] } : undefined,
  });
  if (written.count === 1) await addJob(client, warningEvaluationJob(account.workspaceId));
  return { kind: "needs_reauth", accountId: account.id, accountName, cause: verdict.cause, message: verdict.message };
}
