"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/select";
import { Notice } from "@/components/ui/notice";
import { ActionError, useActionRunner } from "@/components/ui/use-action-runner";
import { CopyOnce } from "@/components/settings/copy-once";
import type { ReauthLinkView } from "@/lib/reauth-links/reauth-links";
import { createReauthLinkAction } from "@/lib/actions/reauth-links/create-reauth-link";
import { revokeReauthLinkAction } from "@/lib/actions/reauth-links/revoke-reauth-link";

const STATE_LABELS: Record<ReauthLinkView["state"], string> = { open: "Open", used: "Used", revoked: "Revoked", expired: "Expired" };

export function ReauthLinksPanel({ accountId, accountStatusLabel, links }: { accountId: string; accountStatusLabel: string; links: ReauthLinkView[] }) {
  const router = useRouter();
  const [days, setDays] = useState("7");
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="space-y-4">
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          startTransition(async () => {
            const result = await createReauthLinkAction({ accountId, expiresInDays: Number(days) });
            if (!result.ok) return setError(result.error);
            setError(null);
            setCreated(result.data.link);
            router.refresh();
          });
        }}
      >
        <Field id="reauth-link-days" label="Link valid for">
          <Select id="reauth-link-days" value={days} onChange={(event) => setDays(event.target.value)}>
            {[1, 2, 3, 7].map((count) => (
              <option key={count} value={count}>
                {count} day{count === 1 ? "" : "s"}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" loading={pending} loadingLabel="Creating link…">
          Create re-authorization link
        </Button>
      </form>
      {error ? <Notice tone="error">{error}</Notice> : null}
      {created ? <CopyOnce label="Re-authorization link" copyLabel="Copy re-authorization link" value={created} note="Send this link to the account's owner. It works once and is not shown again." /> : null}
      <p className="text-sm text-gray-700">
        Account status now: <strong>{accountStatusLabel}</strong>
      </p>
      {links.length > 0 ? (
        <ul className="divide-y divide-gray-200 text-sm" aria-label="Re-authorization links">
          {links.map((link) => (
            <ReauthLinkRow key={link.id} accountId={accountId} link={link} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function ReauthLinkRow({ accountId, link }: { accountId: string; link: ReauthLinkView }) {
  const router = useRouter();
  const { pending, error, run } = useActionRunner();
  return (
    <li className="flex flex-wrap items-center justify-between gap-2 py-2" data-reauth-link-state={link.state}>
      <span>
        {STATE_LABELS[link.state]}
        {link.usedAt ? ` · used ${new Date(link.usedAt).toUTCString()}` : ""} · created {new Date(link.createdAt).toUTCString()} by {link.createdByLabel} · expires{" "}
        {new Date(link.expiresAt).toUTCString()}
        {link.outcomeDetail ? ` · ${link.outcomeDetail}` : ""}
      </span>
      {link.state === "open" ? (
        <Button
          size="sm"
          loading={pending}
          onClick={() =>
            run(async () => {
              const result = await revokeReauthLinkAction({ accountId, linkId: link.id });
              if (result.ok) router.refresh();
              return result;
            })
          }
        >
          Revoke link
        </Button>
      ) : null}
      <ActionError error={error} />
    </li>
  );
}
