// One Test of one account against eBay: refresh if needed, ask eBay who the token belongs to, ask
// GetTokenStatus when it can say more, and judge every answer through lib/tokens/verdict.ts.
// No database here: the caller persists `refreshed` (even when a later step failed) and the verdict.
import { getEbayConfig, type EbayConfig } from "@/lib/ebay/config";
import { EbayApiError, EbayInputError } from "@/lib/ebay/errors";
import { getEbayUser, type EbayUser } from "@/lib/ebay/identity";
import {
  exchangeAuthorizationCode,
  refreshUserAccessToken,
  type AuthorizationGrant,
  type RefreshedAccessToken,
} from "@/lib/ebay/oauth";
import { getTokenStatus, type TokenStatus } from "@/lib/ebay/trading";
import {
  healthy,
  isRetryAfterRefresh,
  judgeApiFailure,
  judgeIdentity,
  judgeRefreshFailure,
  judgeTokenStatus,
  needsReauth,
  type NeedsReauthVerdict,
  type Verdict,
} from "@/lib/tokens/verdict";

/** Refresh an access token shortly before it expires rather than have a call fail mid-check. */
export const ACCESS_TOKEN_REFRESH_MARGIN_MS = 5 * 60 * 1000;

export type RefreshAccessToken = (refreshToken: string, scopes: string[]) => Promise<RefreshedAccessToken>;

export type TokenCheckInput = {
  /** The account's eBay userId (immutable): the token must belong to it. */
  ebayUserId: string;
  /** Scopes the seller granted; sent with a refresh (empty = the app's configured scopes). */
  scopes: string[];
  accessToken: string | null;
  accessTokenExpiresAt: Date | null;
  refreshToken: string | null;
  refreshTokenExpiresAt: Date | null;
  now: Date;
  /** Replaces the default refreshUserAccessToken, e.g. to make refreshes single-flight per account. */
  refreshAccessToken?: RefreshAccessToken;
  /** Ask GetTokenStatus after getUser succeeded (default true). */
  includeTokenStatus?: boolean;
  config?: EbayConfig;
};

export type TokenCheckOutcome = {
  verdict: Verdict;
  /** A new access token to persist: set whenever a refresh succeeded, whatever came after it. */
  refreshed?: { accessToken: string; expiresAt: Date };
  ebayUser?: EbayUser;
  tokenStatus?: TokenStatus;
  /** HTTP calls made to eBay by this check (the injected refresh counts as one each time it is called). */
  ebayCalls: number;
  retryAfterSeconds?: number;
  /** Whether eBay itself gave retryAfterSeconds (Retry-After) or it is the verdict's default. */
  retryAfterFromEbay?: boolean;
};

export async function checkToken(input: TokenCheckInput): Promise<TokenCheckOutcome> {
  const config = input.config ?? getEbayConfig();
  const refreshFunction: RefreshAccessToken =
    input.refreshAccessToken ?? ((refreshToken, scopes) => refreshUserAccessToken(refreshToken, scopes, config));

  let ebayCalls = 0;
  let accessToken = input.accessToken;
  let accessTokenExpiresAt = input.accessTokenExpiresAt;
  let accessTokenJustRefreshed = false;
  let refreshed: TokenCheckOutcome["refreshed"];
  let ebayUser: EbayUser | undefined;
  let tokenStatus: TokenStatus | undefined;

  const finish = (verdict: Verdict): TokenCheckOutcome => ({
    verdict,
    ...(refreshed ? { refreshed } : {}),
    ...(ebayUser ? { ebayUser } : {}),
    ...(tokenStatus ? { tokenStatus } : {}),
    ebayCalls,
    ...(verdict.status === "ebay_unavailable" && verdict.retryAfterSeconds !== undefined
      ? { retryAfterSeconds: verdict.retryAfterSeconds, retryAfterFromEbay: verdict.retryAfterFromEbay === true }
      : {}),
  });

  /** Returns a verdict only when the refresh failed. */
  const refresh = async (): Promise<Verdict | null> => {
    if (!input.refreshToken) {
      return needsReauth("invalid_token", "No refresh token is stored for this account.");
    }
    ebayCalls += 1;
    let result: RefreshedAccessToken;
    try {
      result = await refreshFunction(input.refreshToken, input.scopes);
    } catch (error) {
      if (error instanceof EbayInputError) {
        return needsReauth("invalid_token", "The stored refresh token is damaged (cut off at its first '#').");
      }
      if (!(error instanceof EbayApiError)) throw error;
      return judgeRefreshFailure(error, { refreshTokenExpiresAt: input.refreshTokenExpiresAt, now: input.now });
    }
    accessToken = result.accessToken;
    accessTokenJustRefreshed = true;
    refreshed = { accessToken: result.accessToken, expiresAt: new Date(input.now.getTime() + result.expiresIn * 1000) };
    accessTokenExpiresAt = refreshed.expiresAt;
    return null;
  };

  // "Revoked" from the token endpoint or getUser does not say by whom; GetTokenStatus does, and any
  // unexpired access token we hold (even one eBay now refuses) lets us ask. A failure keeps the generic cause.
  const refineRevocation = async (verdict: Verdict): Promise<Verdict> => {
    if (verdict.status !== "needs_reauth" || verdict.cause !== "revoked" || !accessToken) return verdict;
    if (accessTokenExpiresAt === null || accessTokenExpiresAt.getTime() <= input.now.getTime()) return verdict;
    try {
      ebayCalls += 1;
      const status = await getTokenStatus(accessToken, config);
      const judged = judgeTokenStatus(status);
      if (judged.status === "needs_reauth" && judged.cause.startsWith("revoked_by_")) {
        tokenStatus = status;
        return judged;
      }
    } catch (error) {
      if (!(error instanceof EbayApiError)) throw error;
    }
    return verdict;
  };

  const accessTokenUsable =
    accessToken !== null &&
    accessTokenExpiresAt !== null &&
    accessTokenExpiresAt.getTime() - input.now.getTime() > ACCESS_TOKEN_REFRESH_MARGIN_MS;
  if (!accessTokenUsable) {
    const failed = await refresh();
    if (failed) return finish(await refineRevocation(failed));
  }

  // 1. Who does the token belong to? (A 401 to a stale token is routine: refresh once and ask again.)
  for (;;) {
    try {
      ebayCalls += 1;
      ebayUser = await getEbayUser(accessToken!, config);
      break;
    } catch (error) {
      if (!(error instanceof EbayApiError)) throw error;
      const judged = judgeApiFailure(error, { accessTokenJustRefreshed });
      if (!isRetryAfterRefresh(judged)) return finish(await refineRevocation(judged));
      const failed = await refresh();
      if (failed) return finish(await refineRevocation(failed));
    }
  }

  const identity = judgeIdentity(ebayUser, input.ebayUserId);
  if (identity.status !== "healthy") return finish(identity);
  const who = ebayUser.username ?? ebayUser.userId;

  if (input.includeTokenStatus === false) return finish(healthy(`eBay accepted the token for eBay user ${who}.`));

  // 2. GetTokenStatus: can report a revocation or expiry the REST call has not caught up with.
  for (;;) {
    try {
      ebayCalls += 1;
      tokenStatus = await getTokenStatus(accessToken!, config);
      break;
    } catch (error) {
      if (!(error instanceof EbayApiError)) throw error;
      const judged = judgeApiFailure(error, { accessTokenJustRefreshed });
      if (isRetryAfterRefresh(judged)) {
        const failed = await refresh();
        if (failed) return finish(await refineRevocation(failed));
        continue;
      }
      if (judged.status === "needs_reauth") return finish(await refineRevocation(judged));
      // getUser already proved the token works: a Trading hiccup does not make the account unavailable.
      return finish(
        healthy(`eBay accepted the token for eBay user ${who}. (GetTokenStatus could not be checked: ${judged.message})`),
      );
    }
  }

  const statusVerdict = judgeTokenStatus(tokenStatus);
  if (statusVerdict.status === "needs_reauth") return finish(statusVerdict satisfies NeedsReauthVerdict);
  if (statusVerdict.status === "ebay_unavailable") {
    return finish(healthy(`eBay accepted the token for eBay user ${who}. (${statusVerdict.message})`));
  }
  return finish(healthy(`eBay accepted the token for eBay user ${who}; GetTokenStatus reports it Active.`));
}

export type ConnectResult = { grant: AuthorizationGrant; ebayUser: EbayUser };

/**
 * The OAuth callback's half: exchange the single-use code and ask eBay who consented. Throws
 * EbayInputError / EbayApiError; the caller compares ebayUser.userId with the account it meant to
 * (re-)connect and never overwrites another user's account.
 */
export async function connectWithAuthorizationCode(
  code: string,
  config: EbayConfig = getEbayConfig(),
): Promise<ConnectResult> {
  const grant = await exchangeAuthorizationCode(code, config);
  const ebayUser = await getEbayUser(grant.accessToken, config);
  return { grant, ebayUser };
}
