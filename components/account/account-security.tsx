"use client";

import { signIn, signOut } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, fieldDescribedBy } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Notice } from "@/components/ui/notice";
import { changePasswordAction } from "@/lib/actions/account/change-password";
import { signOutEverywhereAction } from "@/lib/actions/account/sign-out-everywhere";

type Errors = { currentPassword?: string; newPassword?: string };

/** Change the password (ends every session; this browser signs in again with the new one at once). */
export function ChangePasswordForm({ email }: { email: string }) {
  const [currentPassword, setCurrentPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | undefined>();
  const [done, setDone] = useState(false);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setErrors({});
    setFormError(undefined);
    setDone(false);
    const result = await changePasswordAction({ currentPassword, newPassword });
    if (!result.ok) {
      setPending(false);
      if (result.fieldErrors) setErrors(result.fieldErrors);
      if (result.code === "invalid_input" && !result.fieldErrors) setErrors({ currentPassword: result.error });
      else if (!result.fieldErrors) setFormError(result.error);
      return;
    }
    // Every session ended, this one too: a new one, with the new password.
    const signedIn = await signIn("credentials", { redirect: false, email, password: newPassword });
    setPending(false);
    if (!signedIn?.ok) {
      window.location.assign("/sign-in");
      return;
    }
    setCurrentPassword("");
    setNewPassword("");
    setDone(true);
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Change password">
      {done ? <Notice tone="success">Password changed. Every other session of your account was ended.</Notice> : null}
      {formError ? <Notice tone="error">{formError}</Notice> : null}
      <Field id="current-password" label="Current password" error={errors.currentPassword}>
        <Input
          id="current-password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={(event) => setCurrentPassword(event.target.value)}
          invalid={Boolean(errors.currentPassword)}
          aria-describedby={fieldDescribedBy("current-password", { error: errors.currentPassword })}
        />
      </Field>
      <Field id="new-password" label="New password" hint="At least 8 characters." error={errors.newPassword}>
        <Input
          id="new-password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onChange={(event) => setNewPassword(event.target.value)}
          invalid={Boolean(errors.newPassword)}
          aria-describedby={fieldDescribedBy("new-password", { hint: true, error: errors.newPassword })}
        />
      </Field>
      <Button type="submit" variant="primary" loading={pending} loadingLabel="Changing password…">
        Change password
      </Button>
    </form>
  );
}

/** Ends every session of the account, this one included. */
export function SignOutEverywhereButton() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>();

  async function onClick() {
    setPending(true);
    setError(undefined);
    const result = await signOutEverywhereAction({});
    if (!result.ok) {
      setPending(false);
      setError(result.error);
      return;
    }
    await signOut({ redirect: false });
    window.location.assign("/sign-in");
  }

  return (
    <div className="space-y-2">
      {error ? <Notice tone="error">{error}</Notice> : null}
      <Button variant="danger" onClick={onClick} loading={pending} loadingLabel="Signing out everywhere…">
        Sign out everywhere
      </Button>
    </div>
  );
}
