import { EbayApiError, EbayInputError } from "@/lib/ebay/errors";

export type OAuthFailure = {
  /** Short code carried in the redirect; the page turns it into words (lib/accounts/notices.ts). */
  code: "code_rejected" | "signin_rejected" | "scope_invalid" | "ebay_unavailable" | "app_credentials_invalid" | "unexpected";
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
    if (error.oauthError === "invalid_scope") {
      return {
        code: "scope_invalid",
        message: "eBay refused the permissions ChannelKeys asked for (invalid_scope): the app's eBay keyset is not allowed one of the configured scopes.",
        unexpected: false,
      };
    }
    // Auth'n'Auth: FetchToken for a session that expired (5 minutes), was already fetched, or was never agreed to.
    if (error.kind === "trading" && error.hasTradingErrorCode(21916017, 21916018)) {
      return { code: "signin_rejected", message: "eBay no longer accepts that sign-in (it took longer than 5 minutes, or was already used).", unexpected: false };
    }
    // Auth'n'Auth: eBay does not recognise the app's keys or its RuName.
    if (error.kind === "trading" && error.hasTradingErrorCode(21916013, 21916016)) {
      return {
        code: "app_credentials_invalid",
        message: "eBay rejected ChannelKeys' application keys or RuName; an administrator must fix the eBay keyset.",
        unexpected: true,
      };
    }
    if (error.oauthError === "invalid_client") {
      return {
        code: "app_credentials_invalid",
        message: "eBay rejected ChannelKeys' application keys; an administrator must fix the eBay keyset.",
        unexpected: true,
      };
    }
    if (
      ["timeout", "network", "http", "malformed"].includes(error.kind) ||
      (error.httpStatus ?? 0) >= 500 ||
      error.httpStatus === 429 ||
      error.hasTradingErrorCode(518, 21919144)
    ) {
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
