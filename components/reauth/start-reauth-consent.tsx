"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { startReauthLinkConsentAction } from "@/lib/actions/reauth-links/start-reauth-link-consent";

export function StartReauthConsent({ token }: { token: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="space-y-2">
      {error ? <Notice tone="error">{error}</Notice> : null}
      <Button
        variant="primary"
        loading={pending}
        loadingLabel="Opening eBay…"
        onClick={() =>
          startTransition(async () => {
            const result = await startReauthLinkConsentAction({ token });
            if (!result.ok) return setError(result.error);
            window.location.assign(result.data.authorizeUrl);
          })
        }
      >
        Continue to eBay
      </Button>
    </div>
  );
}
