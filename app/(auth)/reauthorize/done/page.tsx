import type { Metadata } from "next";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { REAUTH_LINK_CLOSED_MESSAGES } from "@/lib/reauth-links/messages";
import type { ReauthLinkRejection } from "@/lib/reauth-links/reauth-links";

export const metadata: Metadata = { title: "Re-authorization · ChannelKeys" };

const NAME = /^[\p{L}\p{N} ._\-'&()]{1,80}$/u;

function safe(value: string | string[] | undefined): string | null {
  return typeof value === "string" && NAME.test(value) ? value : null;
}

export default async function ReauthorizeDonePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const account = safe(params.account) ?? "the eBay account";
  const outcome = params.outcome;
  const reason = typeof params.reason === "string" && params.reason in REAUTH_LINK_CLOSED_MESSAGES ? (params.reason as ReauthLinkRejection) : "unknown";
  return (
    <Card>
      <CardHeader title="Re-authorize an eBay account" />
      <CardBody>
        {outcome === "recreated" ? (
          <Notice tone="success" live={false} title="Thank you">
            {account} is connected again. You can close this page.
          </Notice>
        ) : outcome === "wrong_account" ? (
          <Notice tone="error" live={false} title="Signed in as another eBay user">
            You signed in to eBay as {safe(params.signedInAs) ?? "another user"}, not {account}. Nothing was changed: open the link again and sign in as {account}.
          </Notice>
        ) : outcome === "declined" ? (
          <Notice tone="warning" live={false}>
            You did not agree on eBay, so nothing was changed. Open the link again to try once more.
          </Notice>
        ) : outcome === "link_closed" ? (
          <Notice tone="error" live={false}>
            {REAUTH_LINK_CLOSED_MESSAGES[reason]}
          </Notice>
        ) : (
          <Notice tone="error" live={false}>
            eBay sign-in could not be completed. Open the link again to try once more.
          </Notice>
        )}
      </CardBody>
    </Card>
  );
}
