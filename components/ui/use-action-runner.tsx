"use client";

import { useState, useTransition } from "react";

type Outcome = { ok: true } | { ok: false; error: string } | void;

/**
 * Runs a server action from a click inside a transition and keeps its refusal message, so every
 * action button shows "busy" and "why not" the same way.
 */
export function useActionRunner() {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = (action: () => Promise<Outcome>) =>
    startTransition(async () => {
      setError(null);
      const outcome = await action();
      if (outcome && !outcome.ok) setError(outcome.error);
    });
  return { pending, error, run };
}

/** The refusal under an action button. */
export function ActionError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <span role="alert" className="text-xs text-red-700">
      {error}
    </span>
  );
}
