import type { ReactNode } from "react";
import { EbayModeBadge } from "@/components/app-shell/ebay-mode-badge";

// Signed-out pages: the product name, which eBay this install talks to, and one card.
export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col items-center px-4 py-10 sm:justify-center sm:py-16">
      <div className="mb-8 flex flex-col items-center gap-3">
        <div className="flex items-center gap-2 text-xl font-semibold tracking-tight text-gray-900">
          <span
            aria-hidden="true"
            className="flex size-8 items-center justify-center rounded-md bg-accent-600 text-sm font-bold text-white"
          >
            CK
          </span>
          ChannelKeys
        </div>
        <EbayModeBadge />
      </div>
      <main id="main" className="w-full max-w-sm">
        {children}
      </main>
      <p className="mt-10 max-w-sm text-center text-xs text-gray-500">
        Keeps your eBay accounts&apos; API tokens alive: test, refresh and re-create them in one place.
      </p>
    </div>
  );
}
