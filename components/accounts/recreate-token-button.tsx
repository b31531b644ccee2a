"use client";

import { EbayRedirectButton } from "@/components/accounts/ebay-redirect-button";
import { startRecreateAction } from "@/app/(app)/accounts/actions/start-recreate";
import type { ButtonSize, ButtonVariant } from "@/components/ui/button";

export function RecreateTokenButton({
  accountId,
  size = "sm",
  variant = "primary",
}: {
  accountId: string;
  size?: ButtonSize;
  variant?: ButtonVariant;
}) {
  return (
    <EbayRedirectButton
      start={() => startRecreateAction({ accountId })}
      label="Re-create token"
      busyLabel="Opening eBay…"
      size={size}
      variant={variant}
    />
  );
}
