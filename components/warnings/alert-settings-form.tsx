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
  webhookUrl: string;
  hasWebhookSecret: boolean;
  warningDays: number;
};

function randomSecret(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return `whsec_${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

export function AlertSettingsForm({ initial, ownersFallback }: { initial: AlertSettingsFormValues; ownersFallback: string[] }) {
  const router = useRouter();
  const [recipients, setRecipients] = useState(initial.emailRecipients);
  const [webhookUrl, setWebhookUrl] = useState(initial.webhookUrl);
  const [webhookSecret, setWebhookSecret] = useState("");
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
          const result = await saveAlertSettingsAction({ emailRecipients: recipients, webhookUrl, webhookSecret, warningDays });
          if (result.ok) {
            setErrors({});
            setWebhookSecret("");
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

      <Field
        id="alert-webhook-url"
        label="Webhook URL"
        optional
        hint='JSON POST for Slack-like tools (a "text" field is included), to an https:// address on the public internet. Leave empty for no webhook.'
        error={errors.webhookUrl}
      >
        <Input
          id="alert-webhook-url"
          name="webhookUrl"
          type="url"
          value={webhookUrl}
          onChange={(event) => setWebhookUrl(event.target.value)}
          invalid={Boolean(errors.webhookUrl)}
          aria-describedby={fieldDescribedBy("alert-webhook-url", { hint: true, error: errors.webhookUrl })}
          placeholder="https://hooks.slack.com/services/…"
        />
      </Field>

      <Field
        id="alert-webhook-secret"
        label="Webhook signing secret"
        optional
        hint={
          initial.hasWebhookSecret
            ? "A secret is set (it is never shown again). Enter a new one to replace it."
            : "Each request carries X-ChannelKeys-Signature: sha256=HMAC(secret, timestamp + '.' + body) and X-ChannelKeys-Timestamp."
        }
        error={errors.webhookSecret}
      >
        <div className="flex gap-2">
          <Input
            id="alert-webhook-secret"
            name="webhookSecret"
            autoComplete="off"
            spellCheck={false}
            value={webhookSecret}
            onChange={(event) => setWebhookSecret(event.target.value)}
            invalid={Boolean(errors.webhookSecret)}
            aria-describedby={fieldDescribedBy("alert-webhook-secret", { hint: true, error: errors.webhookSecret })}
            placeholder={initial.hasWebhookSecret ? "•••••••• (unchanged)" : ""}
          />
          <Button type="button" onClick={() => setWebhookSecret(randomSecret())}>
            Generate
          </Button>
        </div>
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
