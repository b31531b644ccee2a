"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { markWarningReadAction } from "@/app/(app)/notifications/actions/mark-warning-read";
import { markAllWarningsReadAction } from "@/app/(app)/notifications/actions/mark-all-warnings-read";

export function MarkReadButton({ warningId, read, title }: { warningId: string; read: boolean; title: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <Button
        size="sm"
        variant="ghost"
        loading={pending}
        aria-label={`${read ? "Mark as unread" : "Mark as read"}: ${title}`}
        onClick={() =>
          startTransition(async () => {
            const result = await markWarningReadAction({ warningId, read: !read });
            setError(result.ok ? null : result.error);
            if (result.ok) router.refresh();
          })
        }
      >
        {read ? "Mark unread" : "Mark read"}
      </Button>
      {error ? (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      ) : null}
    </span>
  );
}

export function MarkAllReadButton({ disabled }: { disabled: boolean }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <Button
      disabled={disabled}
      loading={pending}
      onClick={() =>
        startTransition(async () => {
          const result = await markAllWarningsReadAction({});
          if (result.ok) router.refresh();
        })
      }
    >
      Mark all read
    </Button>
  );
}
