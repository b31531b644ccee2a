import type { Metadata } from "next";
import { db } from "@/lib/db";
import { findOpenReauthLink } from "@/lib/reauth-links/reauth-links";
import { REAUTH_LINK_CLOSED_MESSAGES } from "@/lib/reauth-links/messages";
import { environmentLabel } from "@/lib/accounts/account-view";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { StartReauthConsent } from "@/components/reauth/start-reauth-consent";

export const metadata: Metadata = { title: "Re-authorize an eBay account · ChannelKeys" };
export const dynamic = "force-dynamic";

// Signed out, for an account's owner who has no ChannelKeys login: which eBay account must agree, and nothing else
// (no workspace, no people, no other accounts).
export default async function ReauthorizePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const found = await findOpenReauthLink(db, token);
  if (!found.ok) {
    return (
      <Card>
        <CardHeader title="Re-authorize an eBay account" />
        <CardBody>
          <Notice tone="error" live={false}>
            {REAUTH_LINK_CLOSED_MESSAGES[found.reason]}
          </Notice>
        </CardBody>
      </Card>
    );
  }
  const { link } = found;
  return (
    <Card>
      <CardHeader title="Re-authorize an eBay account" description={`${environmentLabel(link.environment)} account`} />
      <CardBody className="space-y-4 text-sm text-gray-800">
        <p>
          You are asked to let ChannelKeys keep working with the eBay account <strong data-testid="reauth-account">{link.accountName}</strong>.
        </p>
        <p>eBay will ask you to sign in: sign in as {link.ebayUsername ?? link.accountName}, then agree. Signing in as another eBay user changes nothing.</p>
        <StartReauthConsent token={token} />
        <p className="text-xs text-gray-500">This link works once, until {link.expiresAt.toUTCString()}.</p>
      </CardBody>
    </Card>
  );
}
