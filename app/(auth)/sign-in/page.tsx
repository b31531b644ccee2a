import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "./sign-in-form";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { DEMO_ACCOUNT } from "@/lib/auth/demo-account";
import { getSessionUser } from "@/lib/auth/session";
import { getEbayConfig } from "@/lib/ebay/config";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

// next-auth sends its own failures here as ?error=<code>; only known codes are shown, in words.
const NEXT_AUTH_ERRORS: Record<string, string> = {
  SessionRequired: "Sign in to continue.",
  Configuration: "Sign-in is not available right now because of a server configuration problem.",
  AccessDenied: "That sign-in was refused.",
};

function isEmulated(): boolean {
  try {
    return getEbayConfig().mode === "emulated";
  } catch {
    return false;
  }
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackPath = safeCallbackPath(typeof params.callbackUrl === "string" ? params.callbackUrl : undefined);
  if (await getSessionUser()) redirect(callbackPath);

  const errorCode = typeof params.error === "string" ? params.error : undefined;
  const initialError = errorCode ? (NEXT_AUTH_ERRORS[errorCode] ?? "Sign-in did not complete. Try again.") : undefined;

  return (
    <SignInForm
      callbackPath={callbackPath}
      initialError={initialError}
      demo={isEmulated() ? { email: DEMO_ACCOUNT.email, password: DEMO_ACCOUNT.password } : undefined}
    />
  );
}
