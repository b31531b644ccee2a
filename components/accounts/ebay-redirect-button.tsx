"use client";

import { useState } from "react";
import { Button, type ButtonSize, type ButtonVariant } from "@/components/ui/button";
import { ActionError, useActionRunner } from "@/components/ui/use-action-runner";
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
  const { pending, error, run } = useActionRunner();
  const [leaving, setLeaving] = useState(false);

  return (
    <span className="inline-flex flex-col items-start gap-1">
      <Button
        variant={variant}
        size={size}
        loading={pending || leaving}
        loadingLabel={busyLabel}
        onClick={() =>
          run(async () => {
            const result = await start();
            if (result.ok) {
              setLeaving(true);
              window.location.assign(result.data.authorizeUrl);
            }
            return result;
          })
        }
      >
        {label}
      </Button>
      <ActionError error={error} />
    </span>
  );
}
