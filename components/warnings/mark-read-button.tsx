"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { Button } from "@/components/ui/button";
import { ActionError, useActionRunner } from "@/components/ui/use-action-runner";
import { markWarningReadAction } from "@/app/(app)/notifications/actions/mark-warning-read";
import { markAllWarningsReadAction } from "@/app/(app)/notifications/actions/mark-all-warnings-read";

export function MarkReadButton({ warningId, read, title }: { warningId: string; read: boolean; title: string }) {
  const router = useRouter();
  const { pending, error, run } = useActionRunner();
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <Button
        size="sm"
        variant="ghost"
        loading={pending}
        aria-label={`${read ? "Mark as unread" : "Mark as read"}: ${title}`}
        onClick={() =>
          run(async () => {
            const result = await markWarningReadAction({ warningId, read: !read });
            if (result.ok) router.refresh();
            return result;
          })
        }
      >
        {read ? "Mark unread" : "Mark read"}
      </Button>
      <ActionError error={error} />
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
