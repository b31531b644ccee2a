"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Notice } from "@/components/ui/notice";
import { ActionError, useActionRunner } from "@/components/ui/use-action-runner";
import { DataTable, TableBody, TableHead, Td, Th, Tr } from "@/components/ui/data-table";
import { CopyOnce } from "@/components/settings/copy-once";
import { ROLE_LABELS, ROLES, type Role } from "@/lib/auth/roles";
import type { InvitationView, MemberView } from "@/lib/members/members";
import { inviteMemberAction } from "@/lib/actions/members/invite-member";
import { revokeInvitationAction } from "@/lib/actions/members/revoke-invitation";
import { changeMemberRoleAction } from "@/lib/actions/members/change-member-role";
import { removeMemberAction } from "@/lib/actions/members/remove-member";
import { leaveWorkspaceAction } from "@/lib/actions/members/leave-workspace";

export function InviteMemberForm({ canGrantOwner }: { canGrantOwner: boolean }) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [result, setResult] = useState<{ ok: boolean; text: string; link?: string } | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(async () => {
          const answer = await inviteMemberAction({ email, role });
          if (answer.ok) {
            setErrors({});
            setEmail("");
            setResult({
              ok: true,
              text: answer.data.emailed ? `Invitation sent to ${email}.` : `Invitation created for ${email}. ${answer.data.emailProblem ?? ""}`,
              link: answer.data.link,
            });
            router.refresh();
          } else {
            setErrors(answer.fieldErrors ?? {});
            setResult({ ok: false, text: answer.error });
          }
        });
      }}
    >
      <div className="flex flex-wrap items-end gap-3">
        <Field id="invite-email" label="Email address" error={errors.email} className="min-w-64 flex-1">
          <Input id="invite-email" type="email" value={email} onChange={(event) => setEmail(event.target.value)} invalid={Boolean(errors.email)} />
        </Field>
        <Field id="invite-role" label="Role" error={errors.role}>
          <Select id="invite-role" value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {ROLES.filter((candidate) => candidate !== "owner" || canGrantOwner).map((candidate) => (
              <option key={candidate} value={candidate}>
                {ROLE_LABELS[candidate]}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" variant="primary" loading={pending} loadingLabel="Inviting…">
          Send invitation
        </Button>
      </div>
      {result ? <Notice tone={result.ok ? "success" : "error"}>{result.text}</Notice> : null}
      {result?.link ? <CopyOnce label="Invitation link" copyLabel="Copy invitation link" value={result.link} note="The invitation link works once, for 7 days. It is not shown again." /> : null}
    </form>
  );
}

export function MembersTable({ members, currentUserId, canManage, canManageOwners }: { members: MemberView[]; currentUserId: string; canManage: boolean; canManageOwners: boolean }) {
  return (
    <DataTable caption="Members">
      <TableHead>
        <Tr>
          <Th>Name</Th>
          <Th>Email</Th>
          <Th>Role</Th>
          <Th align="right">Actions</Th>
        </Tr>
      </TableHead>
      <TableBody>
        {members.map((member) => (
          <MemberRow key={member.id} member={member} isSelf={member.userId === currentUserId} canManage={canManage && (member.role !== "owner" || canManageOwners)} canManageOwners={canManageOwners} />
        ))}
      </TableBody>
    </DataTable>
  );
}

function MemberRow({ member, isSelf, canManage, canManageOwners }: { member: MemberView; isSelf: boolean; canManage: boolean; canManageOwners: boolean }) {
  const router = useRouter();
  const { pending, error, run } = useActionRunner();
  return (
    <Tr data-member-email={member.email} data-membership-id={member.id}>
      <Td>{member.name}{isSelf ? " (you)" : ""}</Td>
      <Td>{member.email}</Td>
      <Td>
        {canManage && !isSelf ? (
          <Select
            aria-label={`Role of ${member.email}`}
            value={member.role}
            disabled={pending}
            onChange={(event) =>
              run(async () => {
                const result = await changeMemberRoleAction({ membershipId: member.id, role: event.target.value });
                if (result.ok) router.refresh();
                return result;
              })
            }
          >
            {ROLES.filter((candidate) => candidate !== "owner" || canManageOwners).map((candidate) => (
              <option key={candidate} value={candidate}>
                {ROLE_LABELS[candidate]}
              </option>
            ))}
          </Select>
        ) : (
          ROLE_LABELS[member.role]
        )}
      </Td>
      <Td align="right">
        <div className="flex flex-col items-end gap-1">
          {isSelf ? (
            <Button
              size="sm"
              loading={pending}
              loadingLabel="Leaving…"
              onClick={() =>
                run(async () => {
                  const result = await leaveWorkspaceAction({});
                  if (result.ok) {
                    router.push("/accounts");
                    router.refresh();
                  }
                  return result;
                })
              }
            >
              Leave workspace
            </Button>
          ) : canManage ? (
            <Button
              size="sm"
              variant="danger"
              loading={pending}
              loadingLabel="Removing…"
              onClick={() =>
                run(async () => {
                  const result = await removeMemberAction({ membershipId: member.id });
                  if (result.ok) router.refresh();
                  return result;
                })
              }
            >
              Remove {member.email}
            </Button>
          ) : null}
          <ActionError error={error} />
        </div>
      </Td>
    </Tr>
  );
}

export function InvitationsTable({ invitations, canManage }: { invitations: InvitationView[]; canManage: boolean }) {
  if (invitations.length === 0) return <p className="text-sm text-gray-600">No open invitations.</p>;
  return (
    <DataTable caption="Open invitations">
      <TableHead>
        <Tr>
          <Th>Email</Th>
          <Th>Role</Th>
          <Th>Invited by</Th>
          <Th>Expires</Th>
          <Th align="right">Actions</Th>
        </Tr>
      </TableHead>
      <TableBody>
        {invitations.map((invitation) => (
          <InvitationRow key={invitation.id} invitation={invitation} canManage={canManage} />
        ))}
      </TableBody>
    </DataTable>
  );
}

function InvitationRow({ invitation, canManage }: { invitation: InvitationView; canManage: boolean }) {
  const router = useRouter();
  const { pending, error, run } = useActionRunner();
  return (
    <Tr data-invitation-id={invitation.id}>
      <Td>{invitation.email}</Td>
      <Td>{ROLE_LABELS[invitation.role]}</Td>
      <Td>{invitation.invitedByLabel}</Td>
      <Td>{invitation.expired ? "Expired" : new Date(invitation.expiresAt).toUTCString()}</Td>
      <Td align="right">
        {canManage ? (
          <Button
            size="sm"
            loading={pending}
            loadingLabel="Revoking…"
            onClick={() =>
              run(async () => {
                const result = await revokeInvitationAction({ invitationId: invitation.id });
                if (result.ok) router.refresh();
                return result;
              })
            }
          >
            Revoke invitation for {invitation.email}
          </Button>
        ) : null}
        <ActionError error={error} />
      </Td>
    </Tr>
  );
}
