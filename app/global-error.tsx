"use client";

import "./globals.css";

// Replaces the root layout when the layout itself fails, so it brings its own <html> and <body>.
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <head>
        <title>Something went wrong · ChannelKeys</title>
      </head>
      <body className="min-h-dvh bg-gray-50 text-gray-900">
        <main className="mx-auto flex min-h-dvh max-w-lg flex-col items-center justify-center px-6 text-center">
          <h1 className="text-2xl font-semibold tracking-tight">ChannelKeys could not load</h1>
          <p className="mt-2 text-sm text-gray-600">Try again in a moment. If it keeps happening, quote the reference below.</p>
          {error.digest ? <p className="mt-3 font-mono text-xs text-gray-500">Reference: {error.digest}</p> : null}
          <button
            type="button"
            onClick={reset}
            className="mt-6 inline-flex h-9 items-center rounded-md border border-indigo-600 bg-indigo-600 px-4 text-sm font-medium text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
          >
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
