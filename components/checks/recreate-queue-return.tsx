"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { buttonClasses } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { forgetRecreateQueue, rememberedRecreateQueue } from "@/components/checks/recreate-queue-session";

/** On the account page eBay sends the seller back to: the way on to the next account of their re-create queue. */
export function RecreateQueueReturn() {
  const [runId, setRunId] = useState<string | null>(null);
  useEffect(() => setRunId(rememberedRecreateQueue()), []);
  if (!runId) return null;
  return (
    <Notice
      tone="info"
      live={false}
      className="mb-6"
      title="You are working through a re-create queue"
      action={
        <span className="flex flex-wrap gap-2">
          <Link href={`/recreate-queue?run=${encodeURIComponent(runId)}`} className={buttonClasses({ variant: "primary", size: "sm" })}>
            Next account in queue
          </Link>
          <button
            type="button"
            className={buttonClasses({ variant: "ghost", size: "sm" })}
            onClick={() => {
              forgetRecreateQueue();
              setRunId(null);
            }}
          >
            Leave the queue
          </button>
        </span>
      }
    />
  );
}
