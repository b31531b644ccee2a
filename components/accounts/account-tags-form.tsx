"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Notice } from "@/components/ui/notice";
import { TAG_RULES } from "@/lib/accounts/tags";
import { setAccountTagsAction } from "@/lib/actions/accounts/set-account-tags";

export function AccountTagsForm({ accountId, tags }: { accountId: string; tags: string[] }) {
  const router = useRouter();
  const [value, setValue] = useState(tags.join(", "));
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(async () => {
          const result = await setAccountTagsAction({ mode: "set", accountIds: [accountId], tags: value });
          setMessage(result.ok ? { ok: true, text: "Tags saved." } : { ok: false, text: result.fieldErrors?.tags ?? result.error });
          if (result.ok) router.refresh();
        });
      }}
    >
      <Field id="account-tags" label="Tags" hint={TAG_RULES} className="min-w-64 flex-1">
        <Input id="account-tags" value={value} onChange={(event) => setValue(event.target.value)} placeholder="agency-a, eu" />
      </Field>
      <Button type="submit" loading={pending} loadingLabel="Updating tags…">
        Update tags
      </Button>
      {message ? <Notice tone={message.ok ? "success" : "error"}>{message.text}</Notice> : null}
    </form>
  );
}
