import type { Metadata } from "next";
import { Button } from "@/components/ui/button";

export const metadata: Metadata = { title: "Not found" };

// Also what a page answers when the signed-in user's workspace or role does not reach it:
// nothing tells an outsider whether the thing exists.
export default function NotFound() {
  return (
    <main id="main" className="mx-auto flex min-h-dvh max-w-lg flex-col items-center justify-center px-6 text-center">
      <p className="text-sm font-semibold text-accent-600">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight text-gray-900">This page was not found</h1>
      <p className="mt-2 text-sm text-gray-600">
        It may have been removed, or it belongs to a workspace you are not a member of, or your role does not include it.
      </p>
      <div className="mt-6 flex gap-2">
        <Button href="/accounts" variant="primary">
          Go to accounts
        </Button>
      </div>
    </main>
  );
}
