"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { Field, fieldDescribedBy } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Notice } from "@/components/ui/notice";
import { requestPasswordResetAction } from "@/lib/actions/account/request-password-reset";

export function ForgotPasswordForm({ emailConfigured }: { emailConfigured: boolean }) {
  const [email, setEmail] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [sent, setSent] = useState<string | undefined>();
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setPending(true);
    setError(undefined);
    // What the field holds, not the state: text typed before the page became interactive counts too.
    const typed = String(new FormData(form).get("email") ?? email);
    const result = await requestPasswordResetAction({ email: typed });
    setPending(false);
    if (result.ok) setSent(result.data.message);
    else setError(result.fieldErrors?.email ?? result.error);
  }

  return (
    <Card>
      <CardBody className="space-y-5 px-6 py-6">
        <div>
          <h1 className="text-xl font-semibold tracking-tight text-gray-900">Forgot your password?</h1>
          <p className="mt-1 text-sm text-gray-600">We email you a link to choose a new one. It works once, for 30 minutes.</p>
        </div>
        {!emailConfigured ? (
          <Notice tone="warning" live={false}>
            This server sends no email (SMTP_URL is not set), so no link can reach you. Ask whoever runs ChannelKeys here.
          </Notice>
        ) : null}
        {sent ? (
          <Notice tone="success">{sent}</Notice>
        ) : (
          <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Ask for a password reset link">
            <Field id="forgot-email" label="Email" error={error}>
              <Input
                id="forgot-email"
                name="email"
                type="email"
                autoComplete="email"
                required
                autoFocus
                value={email}
                onChange={(event) => setEmail(event.target.value)}
                invalid={Boolean(error)}
                aria-describedby={fieldDescribedBy("forgot-email", { error })}
              />
            </Field>
            <Button type="submit" variant="primary" className="w-full" loading={pending} loadingLabel="Sending…">
              Email me a link
            </Button>
          </form>
        )}
        <p className="text-center text-sm text-gray-600">
          <Link href="/sign-in" className="rounded font-medium text-accent-700 hover:underline">
            Back to sign in
          </Link>
        </p>
      </CardBody>
    </Card>
  );
}
