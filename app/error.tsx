"use client";

import { useEffect } from "react";
import { Button } from "@/components/ui/button";

// Shown when a page fails to render. Next.js replaces the message of server errors in production;
// the digest is what the server log prints beside the detail, so it is worth quoting.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    document.title = "Something went wrong · ChannelKeys";
  }, []);

  return (
    <main id="main" className="mx-auto flex min-h-[60dvh] max-w-lg flex-col items-center justify-center px-6 text-center">
      <h1 className="text-2xl font-semibold tracking-tight text-gray-900">Something went wrong</h1>
      <p className="mt-2 text-sm text-gray-600">
        This page could not be loaded. Try again; if it keeps happening, quote the reference below.
      </p>
      {error.digest ? (
        <p className="mt-3 font-mono text-xs text-gray-500">Reference: {error.digest}</p>
      ) : null}
      <div className="mt-6 flex gap-2">
        <Button variant="primary" onClick={reset}>
          Try again
        </Button>
        <Button href="/accounts" variant="secondary">
          Go to accounts
        </Button>
      </div>
    </main>
  );
}
