"use client";

import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Notice } from "@/components/ui/notice";
import { acceptInvitationAction } from "@/lib/actions/members/accept-invitation";
import { signUpAndAcceptAction } from "@/lib/actions/members/sign-up-and-accept";

export function AcceptInvitation({ token, workspaceName }: { token: string; workspaceName: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="space-y-3">
      {error ? <Notice tone="error">{error}</Notice> : null}
      <Button
        variant="primary"
        loading={pending}
        loadingLabel="Joining…"
        onClick={() =>
          startTransition(async () => {
            const result = await acceptInvitationAction({ token });
            if (!result.ok) return setError(result.error);
            router.replace("/accounts");
            router.refresh();
          })
        }
      >
        Accept and join {workspaceName}
      </Button>
    </div>
  );
}

export function SignUpToAccept({ token, email }: { token: string; email: string }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(async () => {
          const result = await signUpAndAcceptAction({ token, name, password });
          if (!result.ok) {
            setErrors(result.fieldErrors ?? {});
            setError(result.error);
            return;
          }
          const signedIn = await signIn("credentials", { redirect: false, email: result.data.email, password });
          if (!signedIn?.ok) {
            setError("Your account was created; sign in to continue.");
            router.replace("/sign-in");
            return;
          }
          router.replace("/accounts");
          router.refresh();
        });
      }}
    >
      <p className="text-sm text-gray-700">New to ChannelKeys? Create your account for {email}:</p>
      <Field id="invite-name" label="Your name" error={errors.name}>
        <Input id="invite-name" value={name} onChange={(event) => setName(event.target.value)} invalid={Boolean(errors.name)} autoComplete="name" />
      </Field>
      <Field id="invite-password" label="Password" error={errors.password} hint="At least 8 characters.">
        <Input id="invite-password" type="password" value={password} onChange={(event) => setPassword(event.target.value)} invalid={Boolean(errors.password)} autoComplete="new-password" />
      </Field>
      {error ? <Notice tone="error">{error}</Notice> : null}
      <Button type="submit" variant="primary" loading={pending} loadingLabel="Creating account…">
        Create account and join
      </Button>
    </form>
  );
}
