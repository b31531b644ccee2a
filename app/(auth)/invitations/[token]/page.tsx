import type { Metadata } from "next";
import Link from "next/link";
import { db } from "@/lib/db";
import { getSessionUser } from "@/lib/auth/session";
import { findOpenInvitation, INVITATION_CLOSED_MESSAGES } from "@/lib/members/members";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { AcceptInvitation, SignUpToAccept } from "@/components/invitations/accept-invitation";

export const metadata: Metadata = { title: "Invitation · ChannelKeys" };
export const dynamic = "force-dynamic";

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const found = await findOpenInvitation(db, token);
  if (!found.ok) {
    return (
      <Card>
        <CardHeader title="Invitation" />
        <CardBody>
          <Notice tone="error" live={false}>
            {INVITATION_CLOSED_MESSAGES[found.reason]}
          </Notice>
        </CardBody>
      </Card>
    );
  }
  const { invitation } = found;
  const user = await getSessionUser();
  const callback = `/invitations/${token}`;
  return (
    <Card>
      <CardHeader title={`Join ${invitation.workspaceName}`} description={`${invitation.invitedByLabel} invited ${invitation.email} as ${ROLE_LABELS[invitation.role]}.`} />
      <CardBody className="space-y-4">
        {user ? (
          user.email.toLowerCase() === invitation.email.toLowerCase() ? (
            <AcceptInvitation token={token} workspaceName={invitation.workspaceName} />
          ) : (
            <Notice tone="warning" live={false}>
              You are signed in as {user.email}. This invitation is for {invitation.email}: sign out and sign in with that address to accept it.
            </Notice>
          )
        ) : (
          <>
            <SignUpToAccept token={token} email={invitation.email} />
            <p className="text-sm text-gray-700">
              Already have a ChannelKeys account with {invitation.email}?{" "}
              <Link className="font-medium text-accent-700 underline" href={`/sign-in?callbackUrl=${encodeURIComponent(callback)}`}>
                Sign in to accept
              </Link>
            </p>
          </>
        )}
      </CardBody>
    </Card>
  );
}
