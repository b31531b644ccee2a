"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { Field, fieldDescribedBy } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Notice } from "@/components/ui/notice";
import { resetPasswordAction } from "@/lib/actions/account/reset-password";

export function ResetPasswordForm({ token }: { token: string }) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [done, setDone] = useState(false);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // What the field holds, not the state: text typed before the page became interactive counts too.
    const typed = String(new FormData(event.currentTarget).get("password") ?? password);
    setPending(true);
    setError(undefined);
    setFieldError(undefined);
    const result = await resetPasswordAction({ token, password: typed });
    setPending(false);
    if (result.ok) return setDone(true);
    if (result.fieldErrors?.password) setFieldError(result.fieldErrors.password);
    else setError(result.error);
  }

  return (
    <Card>
      <CardBody className="space-y-5 px-6 py-6">
        <h1 className="text-xl font-semibold tracking-tight text-gray-900">Choose a new password</h1>
        {done ? (
          <>
            <Notice tone="success">Your password is changed and every session of your account was ended.</Notice>
            <Button href="/sign-in" variant="primary" className="w-full">
              Sign in with the new password
            </Button>
          </>
        ) : (
          <>
            {error ? (
              <Notice tone="error">
                {error}{" "}
                <Link href="/forgot-password" className="font-medium underline">
                  Ask for a new link
                </Link>
              </Notice>
            ) : null}
            <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Reset password form">
              <Field id="reset-password" label="New password" hint="At least 8 characters." error={fieldError}>
                <Input
                  id="reset-password"
                  name="password"
                  type="password"
                  autoComplete="new-password"
                  required
                  autoFocus
                  value={password}
                  onChange={(event) => setPassword(event.target.value)}
                  invalid={Boolean(fieldError)}
                  aria-describedby={fieldDescribedBy("reset-password", { hint: true, error: fieldError })}
                />
              </Field>
              <Button type="submit" variant="primary" className="w-full" loading={pending} loadingLabel="Saving…">
                Set new password
              </Button>
            </form>
          </>
        )}
      </CardBody>
    </Card>
  );
}
