import { EbayApiError, EbayInputError } from "@/lib/ebay/errors";

export type OAuthFailure = {
  /** Short code carried in the redirect; the page turns it into words (lib/accounts/notices.ts). */
  code: "code_rejected" | "ebay_unavailable" | "app_credentials_invalid" | "unexpected";
  message: string;
  /** Unexpected failures are logged in detail (redacted) by the caller; expected ones are not. */
  unexpected: boolean;
};

/** Why finishing a consent failed, in the seller's words; only unexpected failures are logged in detail. */
export function describeOAuthFailure(error: unknown): OAuthFailure {
  if (error instanceof EbayInputError) {
    return { code: "code_rejected", message: error.message, unexpected: false };
  }
  if (error instanceof EbayApiError) {
    if (error.oauthError === "invalid_grant") {
      return {
        code: "code_rejected",
        message: "eBay refused the authorization code (already used or older than 5 minutes).",
        unexpected: false,
      };
    }
    if (error.oauthError === "invalid_client") {
      return {
        code: "app_credentials_invalid",
        message: "eBay rejected ChannelKeys' application keys; an administrator must fix the eBay keyset.",
        unexpected: true,
      };
    }
    if (["timeout", "network", "http", "malformed"].includes(error.kind) || (error.httpStatus ?? 0) >= 500 || error.httpStatus === 429) {
      return { code: "ebay_unavailable", message: "eBay could not be reached to finish the sign-in.", unexpected: false };
    }
    return { code: "unexpected", message: "eBay answered in an unexpected way.", unexpected: true };
  }
  return {
    code: "unexpected",
    message: "Something went wrong while finishing the eBay sign-in.",
    unexpected: true,
  };
}
