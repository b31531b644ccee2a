"use client";

import { EbayRedirectButton } from "@/components/accounts/ebay-redirect-button";
import { startRecreateAction } from "@/app/(app)/accounts/actions/start-recreate";
import { rememberRecreateQueue } from "@/components/checks/recreate-queue-session";

/**
 * "Re-create token" for the queue's current account: the same flow as the account page (prompt=login, and
 * the callback refuses another eBay user's consent), remembering the queue so the way back offers the next one.
 */
export function QueueRecreateButton({ runId, accountId }: { runId: string; accountId: string }) {
  return (
    <EbayRedirectButton
      start={() => {
        rememberRecreateQueue(runId);
        return startRecreateAction({ accountId });
      }}
      label="Re-create token"
      busyLabel="Opening eBay…"
      size="md"
    />
  );
}
