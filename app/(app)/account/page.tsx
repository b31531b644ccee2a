import type { Metadata } from "next";
import { getSessionUser } from "@/lib/auth/session";
import { redirect } from "next/navigation";
import { PageHeader } from "@/components/ui/page-header";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ChangePasswordForm, SignOutEverywhereButton } from "@/components/account/account-security";

export const metadata: Metadata = { title: "Your account · ChannelKeys" };

// About the signed-in person, not a workspace: every member reaches it, whatever their role.
export default async function AccountPage() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return (
    <>
      <PageHeader title="Your account" description={`Signed in as ${user.email}.`} />
      <div className="max-w-3xl space-y-6">
        <Card>
          <CardHeader title="Password" description="Changing it ends every session of your account on every device; this browser stays signed in." />
          <CardBody>
            <ChangePasswordForm email={user.email} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader
            title="Sessions"
            description="Lost a device, or signed in somewhere you should not have? Signing out everywhere ends every session at once, this one too."
          />
          <CardBody>
            <SignOutEverywhereButton />
          </CardBody>
        </Card>
      </div>
    </>
  );
}
