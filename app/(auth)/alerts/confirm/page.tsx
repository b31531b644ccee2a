import type { Metadata } from "next";
import { RecipientLinkForm } from "@/components/account/recipient-link-form";

export const metadata: Metadata = { title: "Confirm alert emails" };
export const dynamic = "force-dynamic";

export default async function AlertRecipientPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = (await searchParams).token;
  return <RecipientLinkForm kind="confirm" token={typeof token === "string" ? token.slice(0, 200) : ""} />;
}
