"use client";

import { EbayRedirectButton } from "@/components/accounts/ebay-redirect-button";
import { startConnectAction } from "@/app/(app)/accounts/actions/start-connect";
import type { ButtonSize } from "@/components/ui/button";

export function ConnectAccountButton({ label = "Connect eBay account", size }: { label?: string; size?: ButtonSize }) {
  return <EbayRedirectButton start={() => startConnectAction({})} label={label} busyLabel="Opening eBay…" size={size} />;
}
