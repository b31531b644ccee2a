"use client";

import { useState, useTransition } from "react";
import { Button, type ButtonSize, type ButtonVariant } from "@/components/ui/button";
import type { ActionResult } from "@/lib/actions/action-result";

type Props = {
  /** A server action that answers with eBay's authorize URL (connect or re-create). */
  start: () => Promise<ActionResult<{ authorizeUrl: string }>>;
  label: string;
  busyLabel: string;
  variant?: ButtonVariant;
  size?: ButtonSize;
};

/** Sends the seller to eBay's consent page; stays busy until the browser leaves. */
export function EbayRedirectButton({ start, label, busyLabel, variant = "primary", size = "md" }: Props) {
  const [pending, startTransition] = useTransition();
  const [leaving, setLeaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  return (
    <span className="inline-flex flex-col items-start gap-1">
      <Button
        variant={variant}
        size={size}
        loading={pending || leaving}
        loadingLabel={busyLabel}
        onClick={() =>
          startTransition(async () => {
            setError(null);
            const result = await start();
            if (!result.ok) {
              setError(result.error);
              return;
            }
            setLeaving(true);
            window.location.assign(result.data.authorizeUrl);
          })
        }
      >
        {label}
      </Button>
      {error ? (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      ) : null}
    </span>
  );
}
