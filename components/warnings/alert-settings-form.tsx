"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Field, fieldDescribedBy } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { Notice } from "@/components/ui/notice";
import { saveAlertSettingsAction } from "@/app/(app)/settings/actions/save-alert-settings";

export type AlertSettingsFormValues = {
  emailRecipients: string;
  warningDays: number;
};

export function AlertSettingsForm({ initial, ownersFallback }: { initial: AlertSettingsFormValues; ownersFallback: string[] }) {
  const router = useRouter();
  const [recipients, setRecipients] = useState(initial.emailRecipients);
  const [warningDays, setWarningDays] = useState(String(initial.warningDays));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, startTransition] = useTransition();

  return (
    <form
      className="space-y-5"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(async () => {
          const result = await saveAlertSettingsAction({ emailRecipients: recipients, warningDays });
          if (result.ok) {
            setErrors({});
            setMessage({ ok: true, text: "Alert settings saved." });
            router.refresh();
          } else {
            setErrors(result.fieldErrors ?? {});
            setMessage({ ok: false, text: result.error });
          }
        });
      }}
    >
      <Field
        id="alert-recipients"
        label="Email recipients"
        hint={
          ownersFallback.length > 0
            ? `Comma or line separated. Until you save a list, warnings go to the workspace owners (${ownersFallback.join(", ")}). Sent only if the server has SMTP_URL set.`
            : "Comma or line separated. Sent only if the server has SMTP_URL set."
        }
        error={errors.emailRecipients}
      >
        <Textarea
          id="alert-recipients"
          name="emailRecipients"
          value={recipients}
          onChange={(event) => setRecipients(event.target.value)}
          invalid={Boolean(errors.emailRecipients)}
          aria-describedby={fieldDescribedBy("alert-recipients", { hint: true, error: errors.emailRecipients })}
          placeholder="ops@example.com, owner@example.com"
        />
      </Field>

      <Field
        id="alert-warning-days"
        label="Warn before a token expires (days)"
        hint="A warning when an account's eBay token enters this window, and another in its final 7 days."
        error={errors.warningDays}
      >
        <Input
          id="alert-warning-days"
          name="warningDays"
          type="number"
          inputMode="numeric"
          min={1}
          max={180}
          className="max-w-32"
          value={warningDays}
          onChange={(event) => setWarningDays(event.target.value)}
          invalid={Boolean(errors.warningDays)}
          aria-describedby={fieldDescribedBy("alert-warning-days", { hint: true, error: errors.warningDays })}
        />
      </Field>

      {message ? (
        <Notice tone={message.ok ? "success" : "error"}>{message.text}</Notice>
      ) : null}
      <Button type="submit" variant="primary" loading={pending} loadingLabel="Saving alert settings…">
        Save alert settings
      </Button>
    </form>
  );
}
