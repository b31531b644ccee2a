"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { Field, fieldDescribedBy } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Notice } from "@/components/ui/notice";

type SignInFormProps = {
  callbackPath: string;
  initialError?: string;
  /** Present only in emulated mode. */
  demo?: { email: string; password: string };
};

type FieldErrors = { email?: string; password?: string };

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function validate(email: string, password: string): FieldErrors {
  const errors: FieldErrors = {};
  if (!email.trim()) errors.email = "Enter your email address.";
  else if (!EMAIL_PATTERN.test(email.trim())) errors.email = "Enter a valid email address, like name@example.com.";
  if (!password) errors.password = "Enter your password.";
  return errors;
}

export function SignInForm({ callbackPath, initialError, demo }: SignInFormProps) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | undefined>(initialError);
  const [pending, setPending] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  async function submit(credentials: { email: string; password: string }) {
    const errors = validate(credentials.email, credentials.password);
    setFieldErrors(errors);
    setFormError(undefined);
    if (errors.email) return emailRef.current?.focus();
    if (errors.password) return passwordRef.current?.focus();

    setPending(true);
    try {
      const result = await signIn("credentials", {
        redirect: false,
        email: credentials.email.trim(),
        password: credentials.password,
      });
      if (!result || result.error || !result.ok) {
        // The server's message is already written for people ("Too many sign-in attempts…");
        // next-auth's bare code means the request itself failed.
        const message = result?.error && result.error !== "CredentialsSignin" ? result.error : "Email or password is incorrect.";
        setFormError(message);
        setPending(false);
        passwordRef.current?.select();
        return;
      }
      router.replace(callbackPath);
      router.refresh();
    } catch {
      setFormError("Could not reach ChannelKeys. Check your connection and try again.");
      setPending(false);
    }
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void submit({ email, password });
  }

  function signInWithDemoAccount() {
    if (!demo) return;
    setEmail(demo.email);
    setPassword(demo.password);
    void submit(demo);
  }

  return (
    <div className="space-y-4">
      <Card>
        <CardBody className="space-y-5 px-6 py-6">
          <div>
            <h1 className="text-xl font-semibold tracking-tight text-gray-900">Sign in</h1>
            <p className="mt-1 text-sm text-gray-600">to your ChannelKeys workspace.</p>
          </div>
          {formError ? <Notice tone="error">{formError}</Notice> : null}
          <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Sign in">
            <Field id="sign-in-email" label="Email" error={fieldErrors.email}>
              <Input
                ref={emailRef}
                id="sign-in-email"
                name="email"
                type="email"
                autoComplete="email"
                inputMode="email"
                required
                autoFocus
                value={email}
                onChange={(event) => setEmail(event.target.value)}
                invalid={Boolean(fieldErrors.email)}
                aria-describedby={fieldDescribedBy("sign-in-email", { error: fieldErrors.email })}
              />
            </Field>
            <Field id="sign-in-password" label="Password" error={fieldErrors.password}>
              <Input
                ref={passwordRef}
                id="sign-in-password"
                name="password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(event) => setPassword(event.target.value)}
                invalid={Boolean(fieldErrors.password)}
                aria-describedby={fieldDescribedBy("sign-in-password", { error: fieldErrors.password })}
              />
            </Field>
            <Button type="submit" variant="primary" className="w-full" loading={pending} loadingLabel="Signing in…">
              Sign in
            </Button>
          </form>
          <p className="text-center text-sm">
            <Link href="/forgot-password" className="rounded font-medium text-accent-700 hover:underline">
              Forgot your password?
            </Link>
          </p>
          <p className="text-center text-sm text-gray-600">
            New to ChannelKeys?{" "}
            <Link
              href="/sign-up"
              className="rounded font-medium text-accent-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
            >
              Create an account
            </Link>
          </p>
        </CardBody>
      </Card>
      {demo ? (
        <section
          aria-labelledby="demo-sign-in-title"
          className="rounded-lg border border-amber-200 bg-amber-50 px-5 py-4 text-sm text-amber-950"
        >
          <h2 id="demo-sign-in-title" className="font-semibold">
            Demo sign-in
          </h2>
          <p className="mt-1 text-amber-900">
            This install talks to the built-in eBay emulator, so a demo workspace is ready to try.
          </p>
          <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
            <dt className="text-amber-800">Email</dt>
            <dd className="font-mono break-all">{demo.email}</dd>
            <dt className="text-amber-800">Password</dt>
            <dd className="font-mono">{demo.password}</dd>
          </dl>
          <Button variant="secondary" size="sm" className="mt-3" onClick={signInWithDemoAccount} disabled={pending}>
            Use demo account
          </Button>
        </section>
      ) : null}
    </div>
  );
}
