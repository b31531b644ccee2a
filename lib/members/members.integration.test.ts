// Members and invitations against a real PostgreSQL database: single-use invitations under a race, the invited
// address required, the owner role kept to owners, and a workspace never left without an owner, even when two
// owners demote or remove each other at the same moment.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/test/support/test-database";
import type { Db } from "@/lib/db";
import {
  acceptInvitation,
  changeMemberRole,
  createInvitation,
  findOpenInvitation,
  leaveWorkspace,
  removeMember,
  revokeInvitation,
  signUpAndAcceptInvitation,
} from "@/lib/members/members";
import { UserFacingError } from "@/lib/actions/user-facing-error";
import type { Role } from "@/lib/auth/roles";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
let counter = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});
afterAll(async () => {
  await database?.cleanup();
});

async function user(prefix: string) {
  counter += 1;
  return db.user.create({ data: { email: `${prefix}-${counter}@example.test`, name: prefix, passwordHash: "x" }, select: { id: true, email: true } });
}

async function workspaceWith(members: Array<{ role: Role }>) {
  const users = await Promise.all(members.map((member, index) => user(`${member.role}${index}`)));
  const workspace = await db.workspace.create({
    data: { name: `W${counter}`, memberships: { create: members.map((member, index) => ({ userId: users[index]!.id, role: member.role })) } },
  });
  const memberships = await db.membership.findMany({ where: { workspaceId: workspace.id }, orderBy: { createdAt: "asc" } });
  const byUser = new Map(memberships.map((membership) => [membership.userId, membership.id]));
  return {
    id: workspace.id,
    name: workspace.name,
    people: users.map((person, index) => ({ ...person, role: members[index]!.role, membershipId: byUser.get(person.id)!, actor: { userId: person.id, label: person.email, role: members[index]!.role } })),
  };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => (error instanceof UserFacingError ? error.code : `unexpected: ${String(error)}`),
  );

describe("invitations", () => {
  it("are single use, for the invited address only, and store only a hash", async () => {
    const workspace = await workspaceWith([{ role: "owner" }]);
    const invitee = await user("invitee");
    const stranger = await user("stranger");
    const { token } = await createInvitation(db, { workspaceId: workspace.id, workspaceName: workspace.name, email: invitee.email.toUpperCase(), role: "member", actor: workspace.people[0]!.actor, appUrl: "https://x" });
    expect(await db.invitation.count({ where: { tokenHash: token } })).toBe(0);
    expect(await refusal(acceptInvitation(db, { token, user: stranger }))).toBe("wrong_email");
    // Two tabs accept at once: one joins, the other is told it was used.
    const results = await Promise.all([refusal(acceptInvitation(db, { token, user: invitee })), refusal(acceptInvitation(db, { token, user: invitee }))]);
    expect(results.sort()).toEqual([null, "invitation_closed"].sort());
    expect(await db.membership.findFirst({ where: { workspaceId: workspace.id, userId: invitee.id } })).toMatchObject({ role: "member" });
    expect(await findOpenInvitation(db, token)).toEqual({ ok: false, reason: "used" });
    expect(await db.auditEvent.count({ where: { workspaceId: workspace.id, action: "invitation_accept" } })).toBe(1);
  });

  it("sign a new person up and in, and replace or revoke an open invitation", async () => {
    const workspace = await workspaceWith([{ role: "admin" }, { role: "owner" }]);
    const admin = workspace.people[0]!;
    expect(await refusal(createInvitation(db, { workspaceId: workspace.id, workspaceName: "W", email: "boss@example.test", role: "owner", actor: admin.actor, appUrl: "https://x" }))).toBe("forbidden");
    const first = await createInvitation(db, { workspaceId: workspace.id, workspaceName: "W", email: "newbie@example.test", role: "viewer", actor: admin.actor, appUrl: "https://x" });
    const second = await createInvitation(db, { workspaceId: workspace.id, workspaceName: "W", email: "newbie@example.test", role: "member", actor: admin.actor, appUrl: "https://x" });
    expect(await findOpenInvitation(db, first.token)).toEqual({ ok: false, reason: "revoked" });
    const signedUp = await signUpAndAcceptInvitation(db, { token: second.token, name: "New Bie", password: "correct horse battery" });
    expect(signedUp).toMatchObject({ ok: true, email: "newbie@example.test" });
    const newbie = await db.user.findUniqueOrThrow({ where: { email: "newbie@example.test" }, include: { memberships: true } });
    // Joined the inviting workspace only: no workspace of their own.
    expect(newbie.memberships.map((membership) => [membership.workspaceId, membership.role])).toEqual([[workspace.id, "member"]]);

    const third = await createInvitation(db, { workspaceId: workspace.id, workspaceName: "W", email: "late@example.test", role: "viewer", actor: admin.actor, appUrl: "https://x" });
    expect(await revokeInvitation(db, { workspaceId: "another", invitationId: third.id, actor: admin.actor })).toBe(false);
    expect(await revokeInvitation(db, { workspaceId: workspace.id, invitationId: third.id, actor: admin.actor })).toBe(true);
    expect(await signUpAndAcceptInvitation(db, { token: third.token, name: "Late", password: "correct horse battery" })).toMatchObject({ ok: false });
    expect(await db.user.count({ where: { email: "late@example.test" } })).toBe(0);
  });
});

describe("roles and the last owner", () => {
  it("two owners demoting each other at once leave exactly one owner", async () => {
    const workspace = await workspaceWith([{ role: "owner" }, { role: "owner" }]);
    const [a, b] = workspace.people;
    const results = await Promise.all([
      refusal(changeMemberRole(db, { workspaceId: workspace.id, membershipId: b!.membershipId, role: "admin", actor: a!.actor })),
      refusal(changeMemberRole(db, { workspaceId: workspace.id, membershipId: a!.membershipId, role: "admin", actor: b!.actor })),
    ]);
    expect(results.sort()).toEqual([null, "last_owner"].sort());
    expect(await db.membership.count({ where: { workspaceId: workspace.id, role: "owner" } })).toBe(1);
  });

  it("two owners leaving at once leave exactly one owner", async () => {
    const workspace = await workspaceWith([{ role: "owner" }, { role: "owner" }, { role: "member" }]);
    const [a, b] = workspace.people;
    const results = await Promise.all([leaveWorkspace(db, { workspaceId: workspace.id, actor: a!.actor }), leaveWorkspace(db, { workspaceId: workspace.id, actor: b!.actor })].map(refusal));
    expect(results.sort()).toEqual([null, "last_owner"].sort());
    expect(await db.membership.count({ where: { workspaceId: workspace.id, role: "owner" } })).toBe(1);
  });

  it("admins manage members and admins, never owners; ids of another workspace are not found", async () => {
    const workspace = await workspaceWith([{ role: "owner" }, { role: "admin" }, { role: "viewer" }]);
    const other = await workspaceWith([{ role: "owner" }, { role: "viewer" }]);
    const [owner, admin, viewer] = workspace.people;
    expect(await refusal(changeMemberRole(db, { workspaceId: workspace.id, membershipId: owner!.membershipId, role: "member", actor: admin!.actor }))).toBe("forbidden");
    expect(await refusal(changeMemberRole(db, { workspaceId: workspace.id, membershipId: viewer!.membershipId, role: "owner", actor: admin!.actor }))).toBe("forbidden");
    expect(await refusal(removeMember(db, { workspaceId: workspace.id, membershipId: owner!.membershipId, actor: admin!.actor }))).toBe("forbidden");
    expect(await refusal(changeMemberRole(db, { workspaceId: workspace.id, membershipId: viewer!.membershipId, role: "admin", actor: admin!.actor }))).toBeNull();
    expect(await refusal(removeMember(db, { workspaceId: workspace.id, membershipId: other.people[1]!.membershipId, actor: admin!.actor }))).toBe("not_found");
    expect(await refusal(changeMemberRole(db, { workspaceId: workspace.id, membershipId: other.people[1]!.membershipId, role: "admin", actor: owner!.actor }))).toBe("not_found");
    expect(await db.membership.findUniqueOrThrow({ where: { id: other.people[1]!.membershipId } })).toMatchObject({ role: "viewer" });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { workspaceId: workspace.id, action: "member_role_change" } });
    expect(audit.changes).toMatchObject({ role: ["viewer", "admin"] });
  });
});
