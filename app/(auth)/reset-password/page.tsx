import type { Metadata } from "next";
import { ResetPasswordForm } from "@/components/account/reset-password-form";

export const metadata: Metadata = { title: "Choose a new password" };
export const dynamic = "force-dynamic";

// Opening the emailed link changes nothing (mail scanners open links too): the form posts the token with the new
// password, and the server action checks it (lib/auth/password-reset.ts).
export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = (await searchParams).token;
  return <ResetPasswordForm token={typeof token === "string" ? token.slice(0, 200) : ""} />;
}
