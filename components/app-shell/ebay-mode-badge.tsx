import { Badge } from "@/components/ui/badge";
import { EbayConfigError, getEbayConfig } from "@/lib/ebay/config";

/**
 * Says which eBay the dashboard talks to, so nobody mistakes the emulator or the sandbox for
 * their live seller accounts. Production shows nothing: it is the normal case.
 */
export function EbayModeBadge() {
  let mode: "emulated" | "sandbox" | "production";
  try {
    mode = getEbayConfig().mode;
  } catch (error) {
    if (!(error instanceof EbayConfigError)) throw error;
    return (
      <Badge tone="bad" dot title={`eBay configuration problem: ${error.variable}`}>
        eBay not configured
      </Badge>
    );
  }
  if (mode === "emulated") {
    return (
      <Badge tone="warn" dot title="No eBay keyset is configured: accounts and tokens come from the built-in eBay emulator.">
        Emulated eBay
      </Badge>
    );
  }
  if (mode === "sandbox") {
    return (
      <Badge tone="info" dot title="Connected to eBay's sandbox, not to live seller accounts.">
        eBay sandbox
      </Badge>
    );
  }
  return null;
}
