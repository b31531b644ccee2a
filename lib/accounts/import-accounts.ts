import "server-only";
// Refresh tokens brought from another tool (POST /api/v1/accounts/import, and the dashboard's CSV import). Each one is
// proved at eBay before anything is saved: a refresh (the token is alive and grants these scopes) and getUser (whose
// it is), so the row carries its real eBay identity, keyed like every connected account on (workspace, environment,
// eBay userId): importing an account already here replaces its tokens, as a reconnect would.
import type { Db } from "@/lib/db";
import { now } from "@/lib/clock";
import { recordAuditEvent } from "@/lib/audit/record";
import { getEbayConfig } from "@/lib/ebay/config";
import { refreshUserAccessToken } from "@/lib/ebay/oauth";
import { getEbayUser } from "@/lib/ebay/identity";
import { EbayApiError, EbayInputError } from "@/lib/ebay/errors";
import { judgeApiFailure, judgeRefreshFailure, isRetryAfterRefresh } from "@/lib/tokens/verdict";
import { describeStatus } from "@/lib/tokens/status-copy";
import { accountDisplayName } from "@/lib/accounts/account-name";
import { queueWebhookEvent } from "@/lib/webhooks/deliveries";
import { isUniqueViolation } from "@/lib/db-errors";
import type { Actor } from "@/lib/accounts/test-account";

export const MAX_IMPORT_BATCH = 100;

export type ImportTokenInput = {
  refreshToken: string;
  nickname?: string | null;
  tags?: string[];
  /** When the other tool knows it (eBay's refresh tokens last 18 months from consent); else left unknown. */
  refreshTokenExpiresAt?: Date | null;
  /** The scopes the token was granted; default: the scopes ChannelKeys is configured to ask for. */
  scopes?: string[];
};

export type ImportTokenResult =
  | { ok: true; accountId: string; ebayUserId: string; ebayUsername: string | null; name: string; created: boolean }
  | { ok: false; status: "needs_reauth" | "ebay_unavailable"; cause: string; message: string };

export async function importAccounts(
  db: Db,
  input: { workspaceId: string; tokens: ImportTokenInput[]; actor: Actor },
): Promise<ImportTokenResult[]> {
  const results: ImportTokenResult[] = [];
  for (const token of input.tokens) results.push(await importOne(db, input.workspaceId, token, input.actor));
  return results;
}

async function importOne(db: Db, workspaceId: string, token: ImportTokenInput, actor: Actor): Promise<ImportTokenResult> {
  const config = getEbayConfig();
  const scopes = token.scopes && token.scopes.length > 0 ? token.scopes : config.scopes;
  const at = now();
  let accessToken: string;
  let expiresIn: number;
  try {
    ({ accessToken, expiresIn } = await refreshUserAccessToken(token.refreshToken, scopes, config));
  } catch (error) {
    if (error instanceof EbayInputError) return refused("needs_reauth", "invalid_token", "The refresh token is damaged (cut off at its first '#').");
    if (!(error instanceof EbayApiError)) throw error;
    const verdict = judgeRefreshFailure(error, { refreshTokenExpiresAt: token.refreshTokenExpiresAt ?? null, now: at });
    if (verdict.status === "healthy") throw error;
    return refused(verdict.status, verdict.cause, describeStatus({ status: verdict.status, cause: verdict.cause }).message);
  }
  let ebayUser;
  try {
    ebayUser = await getEbayUser(accessToken, config);
  } catch (error) {
    if (!(error instanceof EbayApiError)) throw error;
    const judged = judgeApiFailure(error, { accessTokenJustRefreshed: true });
    if (isRetryAfterRefresh(judged) || judged.status === "healthy") return refused("ebay_unavailable", "server_error", "eBay did not say whose token this is. Try again.");
    return refused(judged.status, judged.cause, describeStatus({ status: judged.status, cause: judged.cause }).message);
  }

  const tokenData = {
    accessToken,
    accessTokenExpiresAt: new Date(at.getTime() + expiresIn * 1000),
    refreshToken: token.refreshToken,
    refreshTokenExpiresAt: token.refreshTokenExpiresAt ?? null,
    scopes: scopes.join(" "),
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
    ...(token.nickname ? { nickname: token.nickname } : {}),
  };
  const key = { workspaceId, environment: config.mode, ebayUserId: ebayUser.userId };
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      return await db.$transaction(async (transaction) => {
        const existing = await transaction.ebayAccount.findFirst({ where: key, select: { id: true, status: true, tags: true, nickname: true } });
        const tags = [...new Set([...(existing?.tags ?? []), ...(token.tags ?? [])])].sort().slice(0, 20);
        const row = existing
          ? await transaction.ebayAccount.update({
              where: { id: existing.id },
              data: { ...tokenData, tags, stateVersion: { increment: 1 } },
              select: { id: true, nickname: true, ebayUsername: true, ebayUserId: true },
            })
          : await transaction.ebayAccount.create({
              data: { ...key, ...tokenData, tags, connectedAt: at, createdAt: at },
              select: { id: true, nickname: true, ebayUsername: true, ebayUserId: true },
            });
        const name = accountDisplayName(row);
        await recordAuditEvent(transaction, {
          workspaceId,
          actorUserId: actor.userId,
          actorLabel: actor.label,
          accountId: row.id,
          accountName: name,
          action: "account_import",
          outcome: "success",
          detail: `${existing ? "Imported a new token for" : "Imported"} eBay user ${ebayUser.username ?? ebayUser.userId}; eBay accepted its refresh token and named its user.`,
          changes: existing ? { status: [existing.status, "healthy"] } : { status: [null, "healthy"] },
        });
        await queueWebhookEvent(
          transaction,
          {
            workspaceId,
            type: "account.connected",
            data: { account: { id: row.id, name, ebayUserId: ebayUser.userId }, status: "healthy", reconnected: Boolean(existing), via: "import" },
          },
          at,
        );
        return { ok: true as const, accountId: row.id, ebayUserId: ebayUser.userId, ebayUsername: ebayUser.username ?? null, name, created: !existing };
      });
    } catch (error) {
      // Two imports of one eBay user raced: the unique key kept one row; the second pass updates it.
      if (attempt === 1 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
  throw new Error("unreachable");
}

function refused(status: "needs_reauth" | "ebay_unavailable", cause: string, message: string): ImportTokenResult {
  return { ok: false, status, cause, message };
}
