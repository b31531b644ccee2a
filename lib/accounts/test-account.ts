import "server-only";
import type { Db } from "@/lib/db";
import { now } from "@/lib/clock";
import { auditEventData } from "@/lib/audit/record";
import { addJobSql } from "@/lib/jobs/add-job";
import { warningEvaluationJob } from "@/lib/warnings/warning-jobs";
import { checkToken, type TokenCheckOutcome } from "@/lib/tokens/check-token";
import { checkAuthNAuthToken, type AuthNAuthCheckOutcome } from "@/lib/tokens/check-authnauth";
import { combineCredentialVerdicts } from "@/lib/tokens/verdict";
import { refreshUserAccessToken } from "@/lib/ebay/oauth";
import { singleFlight } from "@/lib/accounts/single-flight";
import { refreshOnce } from "@/lib/accounts/refresh-lock";
import { accountDisplayName } from "@/lib/accounts/account-name";

export type CheckTrigger = "manual" | "bulk" | "scheduler" | "connect";

export type Actor = { userId: string | null; label: string };

export type AccountTestResult = {
  accountId: string;
  status: string;
  cause: string | null;
  message: string;
  refreshed: boolean;
  ebayCalls: number;
  retryAfterSeconds?: number;
  retryAfterFromEbay?: boolean;
};

const STATE_WRITE_ATTEMPTS = 3;

/**
 * Tests one account against eBay and records the outcome: new access token (if refreshed),
 * status (compare-and-set on stateVersion), a TokenCheck row and audit entries.
 * A transient eBay failure changes only the visible status; the last verdict stays.
 */
/** The account row a Test works from, tokens included; null when it is gone or disconnected. */
export async function loadAccountForTest(client: Db, workspaceId: string, accountId: string) {
  return client.ebayAccount.findFirst({
    where: { id: accountId, workspaceId, status: { not: "disconnected" } },
    omit: { accessToken: false, refreshToken: false, authNAuthToken: false },
  });
}

export type AccountForTest = NonNullable<Awaited<ReturnType<typeof loadAccountForTest>>>;

export async function testAccount(
  client: Db,
  input: {
    workspaceId: string;
    accountId: string;
    actor: Actor;
    trigger: CheckTrigger;
    runId?: string | null;
    /**
     * The row as loadAccountForTest just read it, when the caller needed it first (the run worker decides from
     * it whether a check is to be reused): saves reading it twice. Every write below is still a compare-and-set
     * against it, so a row changed in between is handled as it would be during the check.
     */
    loadedAccount?: AccountForTest;
  },
): Promise<AccountTestResult> {
  const { workspaceId, accountId } = input;
  const startedAt = Date.now();
  const account = input.loadedAccount ?? (await loadAccountForTest(client, workspaceId, accountId));
  if (!account) throw new Error(`account ${accountId} not found in workspace ${workspaceId}`);
  if (account.id !== accountId || account.workspaceId !== workspaceId) throw new Error("loaded account does not match the input");

  const scopes = account.scopes.split(" ").filter(Boolean);
  let refreshedHere = false;
  // An account may hold an OAuth grant, an Auth'n'Auth token, or both: each is checked, and the account is as well as
  // its worse one. (A row with neither is checked as OAuth, which says no token is stored.)
  const holdsAuthNAuth = account.authNAuthToken !== null && account.authNAuthExpiresAt !== null;
  const holdsOAuth = account.refreshTokenExpiresAt !== null || !holdsAuthNAuth;
  const outcome: TokenCheckOutcome | undefined = !holdsOAuth ? undefined : await checkToken({
    ebayUserId: account.ebayUserId,
    scopes,
    accessToken: account.accessToken,
    accessTokenExpiresAt: account.accessTokenExpiresAt,
    refreshToken: account.refreshToken,
    refreshTokenExpiresAt: account.refreshTokenExpiresAt,
    now: now(),
    // Single flight twice over: in this process (one shared promise) and across processes (an advisory lock).
    refreshAccessToken: (refreshToken: string, grantedScopes: string[]) =>
      singleFlight(`refresh:${accountId}`, () =>
        refreshOnce(client, {
          accountId,
          staleAccessToken: account.accessToken,
          refreshTokenExpiresAt: account.refreshTokenExpiresAt,
          refresh: async () => {
            refreshedHere = true;
            return refreshUserAccessToken(refreshToken, grantedScopes);
          },
        }),
      ),
  });
  const authNAuthOutcome: AuthNAuthCheckOutcome | undefined = holdsAuthNAuth
    ? await checkAuthNAuthToken({ token: account.authNAuthToken!, expectedEiasToken: account.eiasToken })
    : undefined;
  const ebayCalls = (outcome?.ebayCalls ?? 0) + (authNAuthOutcome?.ebayCalls ?? 0);

  const at = now();
  const name = accountDisplayName(account);
  const verdict = combineCredentialVerdicts({ oauth: outcome?.verdict, authNAuth: authNAuthOutcome?.verdict });
  // Connect and re-create set a new refresh-token (or Auth'n'Auth) expiry; disconnect clears them. A row that no
  // longer matches is not the grant this check judged, so its verdict must not be written onto it.
  const sameGrant = {
    status: { not: "disconnected" },
    refreshTokenExpiresAt: account.refreshTokenExpiresAt,
    authNAuthExpiresAt: account.authNAuthExpiresAt,
  };
  // Each credential keeps its own last definite verdict; a transient answer leaves it as it was.
  const definite = (judged: { status: string; cause?: string | undefined } | undefined) =>
    judged && judged.status !== "ebay_unavailable" ? { status: judged.status, cause: judged.cause ?? null } : undefined;
  const oauthDefinite = definite(outcome?.verdict);
  const authNAuthDefinite = definite(authNAuthOutcome?.verdict);
  // What eBay told us in passing: the seller's EIAS token (GetTokenStatus carries it), and eBay's own warning that an
  // Auth'n'Auth token is in its last 7 days.
  const eiasToken = outcome?.tokenStatus?.eiasToken ?? authNAuthOutcome?.tokenStatus?.eiasToken;
  const learned = {
    ...(account.eiasToken === null && eiasToken && verdict.cause !== "wrong_user" ? { eiasToken } : {}),
    ...(account.authNAuthEbayWarningAt === null && authNAuthOutcome?.tokenStatus?.hardExpirationWarning ? { authNAuthEbayWarningAt: at } : {}),
    ...(oauthDefinite ? { oauthStatus: oauthDefinite.status, oauthCause: oauthDefinite.cause } : {}),
    ...(authNAuthDefinite ? { authNAuthStatus: authNAuthDefinite.status, authNAuthCause: authNAuthDefinite.cause } : {}),
  };

  // A new access token is already stored: refreshOnce writes it (onto the grant it came from, of an account still
  // connected) before it lets go of the account's refresh lock, whatever the rest of the check concludes. Its history
  // line, stamped now, is written with the check's own line below (one statement for both).
  const refreshLine =
    outcome?.refreshed && refreshedHere
      ? auditEventData({
          workspaceId,
          actorUserId: input.actor.userId,
          actorLabel: input.actor.label,
          accountId,
          accountName: name,
          action: "token_refresh",
          outcome: "success",
          detail: `Access token refreshed; valid until ${outcome.refreshed.expiresAt.toISOString()}.`,
          runId: input.runId,
        })
      : null;

  let previousStatus = account.status;
  let previousCause = account.statusCause;
  let statusWritten = false;
  for (let attempt = 1; attempt <= STATE_WRITE_ATTEMPTS; attempt++) {
    // A miss on stateVersion may be another check's write (retry on top of it) or a re-create /
    // disconnect (then the row is gone from this grant and the lookup finds nothing: stop).
    const current = attempt === 1 ? account : await client.ebayAccount.findFirst({ where: { id: accountId, workspaceId, ...sameGrant } });
    if (!current) break;
    previousStatus = current.status;
    previousCause = current.statusCause;
    const data =
      verdict.status === "ebay_unavailable"
        ? {
            status: "ebay_unavailable",
            statusCause: verdict.cause ?? null,
            statusMessage: verdict.message,
            failureStreak: current.failureStreak + 1,
            ...learned,
          }
        : {
            status: verdict.status,
            statusCause: verdict.cause ?? null,
            statusMessage: verdict.message,
            verdictStatus: verdict.status,
            verdictCause: verdict.cause ?? null,
            failureStreak: verdict.status === "healthy" ? 0 : current.failureStreak + 1,
            ...(verdict.status === "healthy" ? { lastHealthyAt: at } : {}),
            ...(outcome?.ebayUser?.username ? { ebayUsername: outcome.ebayUser.username } : {}),
            ...learned,
          };
    const written = await client.ebayAccount.updateMany({
      where: { id: accountId, workspaceId, stateVersion: current.stateVersion, ...sameGrant },
      data: { ...data, lastCheckedAt: at, stateVersion: { increment: 1 } },
    });
    if (written.count === 1) {
      statusWritten = true;
      break;
    }
  }

  const statusChanged = statusWritten && (previousStatus !== verdict.status || previousCause !== (verdict.cause ?? null));
  // The check, its history lines and (when it may change what the seller is warned about) a warnings evaluation are
  // one transaction: a crash never leaves a check without its line, which a run resumed after it would reuse.
  await client.$transaction([
    client.tokenCheck.create({
      data: {
        workspaceId,
        accountId,
        trigger: input.trigger,
        runId: input.runId ?? null,
        verdict: verdict.status,
        cause: verdict.cause ?? null,
        message: verdict.message,
        refreshed: refreshedHere,
        ebayCalls,
        durationMs: Date.now() - startedAt,
        createdAt: at,
      },
    }),
    client.auditEvent.createMany({
      data: [
        ...(refreshLine ? [refreshLine] : []),
        auditEventData({
          workspaceId,
          actorUserId: input.actor.userId,
          actorLabel: input.actor.label,
          accountId,
          accountName: name,
          action: "account_test",
          outcome: verdict.status === "healthy" ? "success" : "failure",
          detail: statusWritten
            ? verdict.message
            : `${verdict.message} (Not applied: the token was re-created or disconnected while this check ran.)`,
          changes: statusChanged ? { status: [previousStatus, verdict.status], cause: [previousCause, verdict.cause ?? null] } : undefined,
          runId: input.runId,
        }),
      ],
    }),
    ...(statusWritten && (statusChanged || verdict.status !== "healthy") ? [client.$executeRaw(addJobSql(warningEvaluationJob(workspaceId)))] : []),
  ]);

  return {
    accountId,
    status: verdict.status,
    cause: verdict.cause ?? null,
    message: verdict.message,
    refreshed: refreshedHere,
    ebayCalls,
    ...(verdict.status === "ebay_unavailable" ? { retryAfterSeconds: verdict.retryAfterSeconds, retryAfterFromEbay: verdict.retryAfterFromEbay } : {}),
  };
}
