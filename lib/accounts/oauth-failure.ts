import { EbayApiError, EbayInputError } from "@/lib/ebay/errors";

export type OAuthFailure = {
  /** Short code carried in the redirect; the page turns it into words (lib/accounts/notices.ts). */
  code: "code_rejected" | "ebay_unavailable" | "app_credentials_invalid" | "unexpected";
  message: string;
  unexpected: boolean;
  logDetail: unknown;
};

/** Why finishing a consent failed, in the seller's words; only unexpected failures are logged in detail. */
export function describeOAuthFailure(error: unknown): OAuthFailure {
  if (error instanceof EbayInputError) {
    return { code: "code_rejected", message: error.message, unexpected: false, logDetail: null };
  }
  if (error instanceof EbayApiError) {
    if (error.oauthError === "invalid_grant") {
      return {
        code: "code_rejected",
        message: "eBay refused the authorization code (already used or older than 5 minutes).",
        unexpected: false,
        logDetail: null,
      };
    }
    if (error.oauthError === "invalid_client") {
      return {
        code: "app_credentials_invalid",
        message: "eBay rejected ChannelKeys' application keys; an administrator must fix the eBay keyset.",
        unexpected: true,
        logDetail: error.toJSON(),
      };
    }
    if (["timeout", "network", "http", "malformed"].includes(error.kind) || (error.httpStatus ?? 0) >= 500 || error.httpStatus === 429) {
      return { code: "ebay_unavailable", message: "eBay could not be reached to finish the sign-in.", unexpected: false, logDetail: null };
    }
    return { code: "unexpected", message: "eBay answered in an unexpected way.", unexpected: true, logDetail: error.toJSON() };
  }
  return {
    code: "unexpected",
    message: "Something went wrong while finishing the eBay sign-in.",
    unexpected: true,
    logDetail: error instanceof Error ? { name: error.name, message: error.message } : String(error),
  };
}
