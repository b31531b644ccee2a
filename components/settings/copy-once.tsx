"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

/** A secret or link shown once, with a copy button. */
export function CopyOnce({ label, value, note, copyLabel }: { label: string; value: string; note: string; copyLabel: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3">
      <p className="text-sm font-medium text-amber-900">{note}</p>
      <div className="flex items-center gap-2">
        <input readOnly aria-label={label} value={value} className="h-9 flex-1 rounded-md border border-gray-300 bg-white px-2 font-mono text-xs" onFocus={(event) => event.currentTarget.select()} />
        <Button
          type="button"
          size="sm"
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => setCopied(true), () => setCopied(false));
          }}
        >
          {copied ? "Copied" : copyLabel}
        </Button>
      </div>
    </div>
  );
}
