"use client";

import { EbayRedirectButton } from "@/components/accounts/ebay-redirect-button";
import { startRecreateAction } from "@/app/(app)/accounts/actions/start-recreate";
import { startRecreateTokensAction } from "@/lib/actions/accounts/start-recreate-tokens";
import type { ButtonSize, ButtonVariant } from "@/components/ui/button";

export type RecreateTokens = "oauth" | "authnauth" | "both";

/**
 * Re-creates the account's tokens at eBay. Without `tokens` (an account with an OAuth grant only) it is the OAuth
 * consent; "both" is one guided pass: eBay's OAuth consent, then straight on to its Auth'n'Auth sign-in.
 */
export function RecreateTokenButton({
  accountId,
  tokens,
  label = "Re-create token",
  size = "sm",
  variant = "primary",
}: {
  accountId: string;
  tokens?: RecreateTokens;
  label?: string;
  size?: ButtonSize;
  variant?: ButtonVariant;
}) {
  return (
    <EbayRedirectButton
      start={() => (tokens ? startRecreateTokensAction({ accountId, tokens }) : startRecreateAction({ accountId }))}
      label={label}
      busyLabel="Opening eBay…"
      size={size}
      variant={variant}
    />
  );
}

/** Which re-create an account's one "Re-create token" button does: every token it holds, in one pass. */
export function recreateTokensFor(account: { oauth: unknown; authNAuth: unknown }): RecreateTokens | undefined {
  if (!account.authNAuth) return undefined;
  return account.oauth ? "both" : "authnauth";
}
