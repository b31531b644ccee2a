import type { Metadata } from "next";
import { db } from "@/lib/db";
import { requireWorkspace } from "@/lib/auth/session";
import { can } from "@/lib/auth/roles";
import { listMembers } from "@/lib/members/members";
import { PageHeader } from "@/components/ui/page-header";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { SettingsTabs } from "@/components/settings/settings-tabs";
import { InvitationsTable, InviteMemberForm, MembersTable } from "@/components/settings/members-panel";

export const metadata: Metadata = { title: "Members · ChannelKeys" };

export default async function MembersPage() {
  const { user, workspace, role } = await requireWorkspace("members:read");
  const { members, invitations } = await listMembers(db, workspace.id);
  const canManage = can(role, "members:manage");
  return (
    <>
      <PageHeader title="Members" description={`Workspace: ${workspace.name}`} />
      <SettingsTabs role={role} current="/settings/members" />
      <div className="max-w-4xl space-y-6">
        {canManage ? (
          <Card>
            <CardHeader title="Invite someone" description="They get a link by email (when the server sends email) that works once, for 7 days. You can copy it too." />
            <CardBody>
              <InviteMemberForm canGrantOwner={role === "owner"} />
            </CardBody>
          </Card>
        ) : null}
        <Card>
          <CardHeader title="People in this workspace" description="Owners and admins manage members; only owners grant or change the owner role. A workspace always keeps at least one owner." />
          <MembersTable members={members} currentUserId={user.id} canManage={canManage} canManageOwners={role === "owner"} />
        </Card>
        {canManage ? (
          <Card>
            <CardHeader title="Open invitations" />
            <CardBody>
              <InvitationsTable invitations={invitations} canManage={canManage} />
            </CardBody>
          </Card>
        ) : null}
      </div>
    </>
  );
}
