"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import type { RowSelection } from "@/components/checks/row-selection";
import { setAccountTagsAction } from "@/lib/actions/accounts/set-account-tags";

/** Adds or removes tags on the ticked rows. */
export function BulkTagToolbar({ selection }: { selection: RowSelection }) {
  const router = useRouter();
  const [tags, setTags] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const selected = [...selection.selected];
  const apply = (mode: "add" | "remove") =>
    startTransition(async () => {
      const result = await setAccountTagsAction({ mode, accountIds: selected, tags });
      if (!result.ok) return setMessage({ ok: false, text: result.fieldErrors?.tags ?? result.error });
      setMessage({ ok: true, text: `Tags ${mode === "add" ? "added to" : "removed from"} ${result.data.changed} account${result.data.changed === 1 ? "" : "s"}.` });
      router.refresh();
    });
  return (
    <div className="mb-3 flex flex-wrap items-center gap-2">
      <label htmlFor="bulk-tags" className="text-sm font-medium text-gray-800">
        Tags for selected accounts
      </label>
      <Input id="bulk-tags" className="max-w-48" value={tags} onChange={(event) => setTags(event.target.value)} placeholder="agency-a" />
      <Button size="sm" disabled={selected.length === 0 || pending} onClick={() => apply("add")}>
        Add tags to selected
      </Button>
      <Button size="sm" disabled={selected.length === 0 || pending} onClick={() => apply("remove")}>
        Remove tags from selected
      </Button>
      {message ? (
        <span role={message.ok ? "status" : "alert"} className={message.ok ? "text-sm text-green-700" : "text-sm text-red-700"}>
          {message.text}
        </span>
      ) : null}
    </div>
  );
}
