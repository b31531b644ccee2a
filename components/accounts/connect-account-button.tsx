"use client";

import { EbayRedirectButton } from "@/components/accounts/ebay-redirect-button";
import { startConnectAction } from "@/app/(app)/accounts/actions/start-connect";
import { startAuthNAuthConnectAction } from "@/lib/actions/accounts/start-authnauth-connect";
import type { ButtonSize } from "@/components/ui/button";

export function ConnectAccountButton({ label = "Connect eBay account", size }: { label?: string; size?: ButtonSize }) {
  return <EbayRedirectButton start={() => startConnectAction({})} label={label} busyLabel="Opening eBay…" size={size} />;
}

/** The legacy Auth'n'Auth token: eBay's sign-in, then FetchToken. Joins the row of the same seller if there is one. */
export function ConnectAuthNAuthButton({ size }: { size?: ButtonSize }) {
  return (
    <EbayRedirectButton
      start={() => startAuthNAuthConnectAction({})}
      label="Connect Auth'n'Auth token"
      busyLabel="Opening eBay…"
      size={size}
      variant="secondary"
    />
  );
}
