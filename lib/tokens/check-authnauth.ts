// One check of an Auth'n'Auth token: a single GetTokenStatus made with it. Nothing to refresh (the token lives 18
// months and is then re-created), so every definite answer is final for this token; see judgeAuthNAuthTokenStatus.
import { getEbayConfig, type EbayConfig } from "@/lib/ebay/config";
import { EbayApiError } from "@/lib/ebay/errors";
import { getAuthNAuthTokenStatus, type TokenStatus } from "@/lib/ebay/trading";
import { judgeAuthNAuthFailure, judgeAuthNAuthTokenStatus, type Verdict } from "@/lib/tokens/verdict";

export type AuthNAuthCheckOutcome = {
  verdict: Verdict;
  tokenStatus?: TokenStatus;
  ebayCalls: number;
  retryAfterSeconds?: number;
  retryAfterFromEbay?: boolean;
};

export async function checkAuthNAuthToken(input: {
  token: string;
  /** The account's EIAS token, when known: the token must belong to that eBay user. */
  expectedEiasToken: string | null;
  config?: EbayConfig;
}): Promise<AuthNAuthCheckOutcome> {
  const config = input.config ?? getEbayConfig();
  let verdict: Verdict;
  let tokenStatus: TokenStatus | undefined;
  try {
    tokenStatus = await getAuthNAuthTokenStatus(input.token, config);
    verdict = judgeAuthNAuthTokenStatus(tokenStatus, input.expectedEiasToken);
  } catch (error) {
    if (!(error instanceof EbayApiError)) throw error;
    verdict = judgeAuthNAuthFailure(error);
  }
  return {
    verdict,
    ...(tokenStatus ? { tokenStatus } : {}),
    ebayCalls: 1,
    ...(verdict.status === "ebay_unavailable" && verdict.retryAfterSeconds !== undefined
      ? { retryAfterSeconds: verdict.retryAfterSeconds, retryAfterFromEbay: verdict.retryAfterFromEbay === true }
      : {}),
  };
}
