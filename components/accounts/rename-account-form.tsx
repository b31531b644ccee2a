"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { renameAccountAction } from "@/app/(app)/accounts/actions/rename-account";

export function RenameAccountForm({ accountId, nickname }: { accountId: string; nickname: string | null }) {
  const router = useRouter();
  const [value, setValue] = useState(nickname ?? "");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, startTransition] = useTransition();

  return (
    <form
      className="flex flex-wrap items-end gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(async () => {
          const result = await renameAccountAction({ accountId, nickname: value });
          setMessage(result.ok ? { ok: true, text: "Nickname saved." } : { ok: false, text: result.fieldErrors?.nickname ?? result.error });
          if (result.ok) router.refresh();
        });
      }}
    >
      <label className="flex flex-col gap-1 text-sm font-medium text-gray-700">
        Nickname
        <Input value={value} onChange={(event) => setValue(event.target.value)} maxLength={60} placeholder="e.g. UK outlet store" />
      </label>
      <Button type="submit" loading={pending} loadingLabel="Saving nickname…">
        Save
      </Button>
      {message ? (
        <span role={message.ok ? "status" : "alert"} className={message.ok ? "text-sm text-green-700" : "text-sm text-red-700"}>
          {message.text}
        </span>
      ) : null}
    </form>
  );
}
