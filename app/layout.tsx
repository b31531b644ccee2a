import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "ChannelKeys", template: "%s · ChannelKeys" },
  description: "Keep every eBay account's API tokens alive: test, refresh and re-create tokens across your seller accounts.",
  robots: { index: false, follow: false },
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: "#4f46e5",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request, never at build time, so that every page (the not-found page too) carries the script
  // nonce of its own response's Content-Security-Policy (proxy.ts); a prerendered page would have none.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-dvh">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
