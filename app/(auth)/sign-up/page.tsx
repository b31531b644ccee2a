import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignUpForm } from "./sign-up-form";
import { getSessionUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Create an account" };
export const dynamic = "force-dynamic";

export default async function SignUpPage() {
  if (await getSessionUser()) redirect("/accounts");
  return <SignUpForm />;
}
