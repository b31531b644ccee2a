"use client";

import { EbayRedirectButton } from "@/components/accounts/ebay-redirect-button";
import { startRecreateAction } from "@/app/(app)/accounts/actions/start-recreate";
import { startRecreateTokensAction } from "@/lib/actions/accounts/start-recreate-tokens";
import { rememberRecreateQueue } from "@/components/checks/recreate-queue-session";

/**
 * "Re-create token" for the queue's current account: the same flow as the account page (prompt=login, and
 * the callback refuses another eBay user's consent), remembering the queue so the way back offers the next one.
 */
export function QueueRecreateButton({ runId, accountId, tokens = "oauth" }: { runId: string; accountId: string; tokens?: "oauth" | "authnauth" | "both" }) {
  return (
    <EbayRedirectButton
      start={() => {
        rememberRecreateQueue(runId);
        // An account holding an Auth'n'Auth token renews every token it holds in one pass.
        return tokens === "oauth" ? startRecreateAction({ accountId }) : startRecreateTokensAction({ accountId, tokens });
      }}
      label="Re-create token"
      busyLabel="Opening eBay…"
      size="md"
    />
  );
}
