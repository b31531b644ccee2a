import type { Metadata } from "next";
import { ForgotPasswordForm } from "@/components/account/forgot-password-form";
import { smtpUrlFromEnv } from "@/lib/mail/mailer";

export const metadata: Metadata = { title: "Forgot your password?" };
export const dynamic = "force-dynamic";

export default function ForgotPasswordPage() {
  return <ForgotPasswordForm emailConfigured={smtpUrlFromEnv() !== null} />;
}
