"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useRef, useState, type FormEvent } from "react";
import { signUpAction } from "./actions";
import { Button } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { Field, fieldDescribedBy } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Notice } from "@/components/ui/notice";
import {
  PASSWORD_MIN_LENGTH,
  signUpFieldErrors,
  signUpSchema,
  type SignUpFieldErrors,
  type SignUpFields,
} from "@/lib/auth/sign-up-schema";

const FIELD_ORDER: SignUpFields[] = ["name", "email", "password"];

export function SignUpForm() {
  const router = useRouter();
  const [values, setValues] = useState({ name: "", email: "", password: "" });
  const [fieldErrors, setFieldErrors] = useState<SignUpFieldErrors>({});
  const [formError, setFormError] = useState<string | undefined>();
  const [pending, setPending] = useState(false);
  const refs = {
    name: useRef<HTMLInputElement>(null),
    email: useRef<HTMLInputElement>(null),
    password: useRef<HTMLInputElement>(null),
  };

  function showErrors(errors: SignUpFieldErrors, message?: string) {
    setFieldErrors(errors);
    setFormError(message);
    const first = FIELD_ORDER.find((field) => errors[field]);
    if (first) refs[first].current?.focus();
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = signUpSchema.safeParse(values);
    if (!parsed.success) return showErrors(signUpFieldErrors(parsed.error));

    setPending(true);
    setFieldErrors({});
    setFormError(undefined);
    try {
      const created = await signUpAction(values);
      if (!created.ok) {
        setPending(false);
        return showErrors(created.fieldErrors, Object.keys(created.fieldErrors).length > 0 ? undefined : created.error);
      }
      const signedIn = await signIn("credentials", {
        redirect: false,
        email: parsed.data.email,
        password: values.password,
      });
      if (!signedIn?.ok || signedIn.error) {
        // The account exists; only the automatic sign-in failed.
        router.replace("/sign-in");
        return;
      }
      router.replace("/accounts");
      router.refresh();
    } catch {
      setPending(false);
      setFormError("Could not reach ChannelKeys. Check your connection and try again.");
    }
  }

  function update(field: SignUpFields, value: string) {
    setValues((current) => ({ ...current, [field]: value }));
  }

  return (
    <Card>
      <CardBody className="space-y-5 px-6 py-6">
        <div>
          <h1 className="text-xl font-semibold tracking-tight text-gray-900">Create your account</h1>
          <p className="mt-1 text-sm text-gray-600">You get a workspace of your own to connect eBay accounts to.</p>
        </div>
        {formError ? <Notice tone="error">{formError}</Notice> : null}
        <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Create an account">
          <Field id="sign-up-name" label="Your name" error={fieldErrors.name}>
            <Input
              ref={refs.name}
              id="sign-up-name"
              name="name"
              autoComplete="name"
              required
              autoFocus
              maxLength={80}
              value={values.name}
              onChange={(event) => update("name", event.target.value)}
              invalid={Boolean(fieldErrors.name)}
              aria-describedby={fieldDescribedBy("sign-up-name", { error: fieldErrors.name })}
            />
          </Field>
          <Field id="sign-up-email" label="Email" error={fieldErrors.email}>
            <Input
              ref={refs.email}
              id="sign-up-email"
              name="email"
              type="email"
              autoComplete="email"
              inputMode="email"
              required
              value={values.email}
              onChange={(event) => update("email", event.target.value)}
              invalid={Boolean(fieldErrors.email)}
              aria-describedby={fieldDescribedBy("sign-up-email", { error: fieldErrors.email })}
            />
          </Field>
          <Field
            id="sign-up-password"
            label="Password"
            hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
            error={fieldErrors.password}
          >
            <Input
              ref={refs.password}
              id="sign-up-password"
              name="password"
              type="password"
              autoComplete="new-password"
              required
              minLength={PASSWORD_MIN_LENGTH}
              value={values.password}
              onChange={(event) => update("password", event.target.value)}
              invalid={Boolean(fieldErrors.password)}
              aria-describedby={fieldDescribedBy("sign-up-password", { hint: true, error: fieldErrors.password })}
            />
          </Field>
          <Button type="submit" variant="primary" className="w-full" loading={pending} loadingLabel="Creating your account…">
            Create account
          </Button>
        </form>
        <p className="text-center text-sm text-gray-600">
          Already have an account?{" "}
          <Link
            href="/sign-in"
            className="rounded font-medium text-accent-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
          >
            Sign in
          </Link>
        </p>
      </CardBody>
    </Card>
  );
}
