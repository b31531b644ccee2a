import "server-only";
// Who belongs to a workspace. Invitations are links (only their SHA-256 is stored) valid 7 days, single use and
// revocable, sent by email when SMTP is configured and always copyable. Accepting needs the invited address: a
// signed-in user with that email joins; someone new signs up on the invitation page and joins (no workspace of
// their own). Roles change and members go by compare-and-set, and the owners of a workspace are locked (FOR UPDATE)
// while any change that could remove one is decided, so the last owner can never leave, be removed or be demoted,
// even by two owners acting at once. An admin manages members and admins; only an owner grants, changes or removes
// the owner role.
import { createHash, randomBytes } from "node:crypto";
import type { Db, DbTransaction } from "@/lib/db";
import { now } from "@/lib/clock";
import { Prisma } from "@/lib/generated/prisma/client";
import { recordAuditEvent } from "@/lib/audit/record";
import { UserFacingError } from "@/lib/actions/user-facing-error";
import { ROLE_LABELS, type Role } from "@/lib/auth/roles";
import { hashPassword } from "@/lib/auth/password";
import { signUpSchema } from "@/lib/auth/sign-up-schema";
import { hitBucket } from "@/lib/auth/rate-limit";
import { signUpLimitPerIp } from "@/lib/auth/sign-up";
import { isUniqueViolation } from "@/lib/db-errors";
import { sendMail } from "@/lib/mail/mailer";
import { upkeepConfigFromEnv } from "@/lib/upkeep/upkeep-config";

export const INVITATION_LIFETIME_MS = 7 * 86_400_000;

export type Actor = { userId: string; label: string; role: Role };

export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function invitationPath(token: string): string {
  return `/invitations/${token}`;
}

function assertMayGrant(actor: Actor, role: Role): void {
  if (role === "owner" && actor.role !== "owner") {
    throw new UserFacingError("Only an owner can make someone an owner.", "forbidden");
  }
}

export type CreatedInvitation = { id: string; token: string; expiresAt: Date; emailed: boolean; emailProblem: string | null };

export async function createInvitation(
  db: Db,
  input: { workspaceId: string; workspaceName: string; email: string; role: Role; actor: Actor; appUrl: string },
): Promise<CreatedInvitation> {
  assertMayGrant(input.actor, input.role);
  const email = input.email.trim().toLowerCase();
  const member = await db.membership.findFirst({ where: { workspaceId: input.workspaceId, user: { email } }, select: { id: true } });
  if (member) throw new UserFacingError(`${email} is already a member of this workspace.`, "already_member");
  const token = randomBytes(32).toString("base64url");
  const at = now();
  const expiresAt = new Date(at.getTime() + INVITATION_LIFETIME_MS);
  let invitationId: string;
  try {
    invitationId = await db.$transaction(async (transaction) => {
      // A new invitation to the same address replaces the open one (its link is not stored, so it cannot be shown again).
      const replaced = await transaction.invitation.updateMany({
        where: { workspaceId: input.workspaceId, email, acceptedAt: null, revokedAt: null },
        data: { revokedAt: at },
      });
      const created = await transaction.invitation.create({
        data: {
          workspaceId: input.workspaceId,
          email,
          role: input.role,
          tokenHash: hashInvitationToken(token),
          invitedById: input.actor.userId,
          invitedByLabel: input.actor.label,
          expiresAt,
          createdAt: at,
        },
        select: { id: true },
      });
      await recordAuditEvent(transaction, {
        workspaceId: input.workspaceId,
        actorUserId: input.actor.userId,
        actorLabel: input.actor.label,
        action: "invitation_create",
        outcome: "success",
        detail: `Invited ${email} as ${ROLE_LABELS[input.role]}${replaced.count > 0 ? " (the earlier invitation was replaced)" : ""}; valid until ${expiresAt.toISOString()}.`,
        changes: { invitation: [null, { email, role: input.role }] },
      });
      return created.id;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new UserFacingError(`${email} was just invited by someone else. Reload the page.`, "conflict");
    throw error;
  }
  const { emailed, emailProblem } = await sendInvitationEmail({ ...input, email, token, expiresAt });
  return { id: invitationId, token, expiresAt, emailed, emailProblem };
}

async function sendInvitationEmail(input: { email: string; workspaceName: string; role: Role; actor: Actor; appUrl: string; token: string; expiresAt: Date }) {
  const config = upkeepConfigFromEnv().warnings;
  if (!config.smtpUrl) return { emailed: false, emailProblem: "Email is off on this server (SMTP_URL is not set): copy the link and send it yourself." };
  const link = `${input.appUrl}${invitationPath(input.token)}`;
  try {
    await sendMail(config.smtpUrl, {
      from: config.emailFrom,
      to: [input.email],
      subject: `[ChannelKeys] ${input.actor.label} invited you to ${input.workspaceName}`,
      text: [
        `${input.actor.label} invited you to join the "${input.workspaceName}" workspace in ChannelKeys as ${ROLE_LABELS[input.role]}.`,
        "",
        `Accept the invitation: ${link}`,
        "",
        `The link works once and until ${input.expiresAt.toUTCString()}. If you did not expect it, ignore this email.`,
      ].join("\n"),
    });
    return { emailed: true, emailProblem: null };
  } catch {
    return { emailed: false, emailProblem: "The invitation email could not be sent: copy the link and send it yourself." };
  }
}

export async function revokeInvitation(db: Db, input: { workspaceId: string; invitationId: string; actor: Actor }): Promise<boolean> {
  const invitation = await db.invitation.findFirst({ where: { id: input.invitationId, workspaceId: input.workspaceId } });
  if (!invitation) return false;
  if (invitation.revokedAt || invitation.acceptedAt) return true;
  assertMayGrant(input.actor, invitation.role as Role);
  const at = now();
  await db.$transaction(async (transaction) => {
    const revoked = await transaction.invitation.updateMany({
      where: { id: invitation.id, workspaceId: input.workspaceId, revokedAt: null, acceptedAt: null },
      data: { revokedAt: at },
    });
    if (revoked.count !== 1) return;
    await recordAuditEvent(transaction, {
      workspaceId: input.workspaceId,
      actorUserId: input.actor.userId,
      actorLabel: input.actor.label,
      action: "invitation_revoke",
      outcome: "success",
      detail: `Revoked the invitation of ${invitation.email}.`,
      changes: { revokedAt: [null, at.toISOString()] },
    });
  });
  return true;
}

export type InvitationRejection = "unknown" | "expired" | "used" | "revoked";

export type OpenInvitation = { id: string; workspaceId: string; workspaceName: string; email: string; role: Role; invitedByLabel: string; expiresAt: Date };

export async function findOpenInvitation(db: Db, token: string): Promise<{ ok: true; invitation: OpenInvitation } | { ok: false; reason: InvitationRejection }> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false, reason: "unknown" };
  const row = await db.invitation.findUnique({
    where: { tokenHash: hashInvitationToken(token) },
    include: { workspace: { select: { name: true } } },
  });
  if (!row) return { ok: false, reason: "unknown" };
  if (row.revokedAt) return { ok: false, reason: "revoked" };
  if (row.acceptedAt) return { ok: false, reason: "used" };
  if (row.expiresAt.getTime() <= now().getTime()) return { ok: false, reason: "expired" };
  return {
    ok: true,
    invitation: {
      id: row.id,
      workspaceId: row.workspaceId,
      workspaceName: row.workspace.name,
      email: row.email,
      role: row.role as Role,
      invitedByLabel: row.invitedByLabel,
      expiresAt: row.expiresAt,
    },
  };
}

export const INVITATION_CLOSED_MESSAGES: Record<InvitationRejection, string> = {
  unknown: "This invitation link is not valid. Ask whoever invited you for a new one.",
  expired: "This invitation has expired. Ask whoever invited you for a new one.",
  used: "This invitation has already been accepted.",
  revoked: "This invitation was withdrawn. Ask whoever invited you for a new one.",
};

/** Claims the invitation for `user` and adds the membership, in the caller's transaction. */
async function claimInvitation(transaction: DbTransaction, token: string, user: { id: string; email: string }): Promise<OpenInvitation> {
  const row = await transaction.invitation.findUnique({
    where: { tokenHash: hashInvitationToken(token) },
    include: { workspace: { select: { name: true } } },
  });
  if (!row) throw new UserFacingError(INVITATION_CLOSED_MESSAGES.unknown, "invitation_closed");
  if (row.email.toLowerCase() !== user.email.toLowerCase()) {
    throw new UserFacingError(`This invitation is for ${row.email}. Sign in with that address to accept it.`, "wrong_email");
  }
  const at = now();
  const claimed = await transaction.invitation.updateMany({
    where: { id: row.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: at } },
    data: { acceptedAt: at, acceptedById: user.id },
  });
  if (claimed.count !== 1) {
    const reason: InvitationRejection = row.revokedAt ? "revoked" : row.acceptedAt ? "used" : "expired";
    throw new UserFacingError(INVITATION_CLOSED_MESSAGES[reason], "invitation_closed");
  }
  const existing = await transaction.membership.findFirst({ where: { workspaceId: row.workspaceId, userId: user.id } });
  if (existing) throw new UserFacingError("You are already a member of this workspace.", "already_member");
  await transaction.membership.create({ data: { workspaceId: row.workspaceId, userId: user.id, role: row.role, createdAt: at } });
  await recordAuditEvent(transaction, {
    workspaceId: row.workspaceId,
    actorUserId: user.id,
    actorLabel: user.email,
    action: "invitation_accept",
    outcome: "success",
    detail: `${user.email} joined as ${ROLE_LABELS[row.role as Role]} (invited by ${row.invitedByLabel}).`,
    changes: { membership: [null, { email: user.email, role: row.role }] },
  });
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    workspaceName: row.workspace.name,
    email: row.email,
    role: row.role as Role,
    invitedByLabel: row.invitedByLabel,
    expiresAt: row.expiresAt,
  };
}

/** A signed-in user accepts. */
export async function acceptInvitation(db: Db, input: { token: string; user: { id: string; email: string } }): Promise<OpenInvitation> {
  return db.$transaction((transaction) => claimInvitation(transaction, input.token, input.user));
}

/** Someone new signs up on the invitation page and joins in the same transaction (no workspace of their own). */
export async function signUpAndAcceptInvitation(
  db: Db,
  input: { token: string; name: unknown; password: unknown; ip?: string },
): Promise<{ ok: true; invitation: OpenInvitation; email: string } | { ok: false; error: string; fieldErrors: Record<string, string> }> {
  const open = await findOpenInvitation(db, input.token);
  if (!open.ok) return { ok: false, error: INVITATION_CLOSED_MESSAGES[open.reason], fieldErrors: {} };
  const parsed = signUpSchema.safeParse({ name: input.name, email: open.invitation.email, password: input.password });
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? "_")] ??= issue.message;
    return { ok: false, error: "Check the highlighted fields.", fieldErrors };
  }
  if (input.ip) {
    const rule = signUpLimitPerIp();
    const hit = await hitBucket(db, `sign-up:ip:${input.ip}`, rule);
    if (hit.count > rule.limit) return { ok: false, error: "Too many accounts were created from this network. Try again later.", fieldErrors: {} };
  }
  const { name, email, password } = parsed.data;
  if (await db.user.findUnique({ where: { email }, select: { id: true } })) {
    return { ok: false, error: "An account with this email address already exists. Sign in to accept the invitation.", fieldErrors: {} };
  }
  const passwordHash = await hashPassword(password);
  try {
    const invitation = await db.$transaction(async (transaction) => {
      const user = await transaction.user.create({ data: { email, name, passwordHash }, select: { id: true, email: true } });
      return claimInvitation(transaction, input.token, user);
    });
    return { ok: true, invitation, email };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, error: "An account with this email address already exists. Sign in to accept the invitation.", fieldErrors: {} };
    if (error instanceof UserFacingError) return { ok: false, error: error.message, fieldErrors: {} };
    throw error;
  }
}

/** Locks the workspace's owner memberships for the rest of the transaction and counts them. */
async function lockOwners(transaction: DbTransaction, workspaceId: string): Promise<number> {
  const rows = await transaction.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT "id" FROM "Membership" WHERE "workspaceId" = ${workspaceId} AND "role" = 'owner' FOR UPDATE`);
  return rows.length;
}

export const LAST_OWNER_MESSAGE = "A workspace needs at least one owner. Make someone else an owner first.";

export async function changeMemberRole(
  db: Db,
  input: { workspaceId: string; membershipId: string; role: Role; actor: Actor },
): Promise<{ changed: boolean }> {
  return db.$transaction(async (transaction) => {
    const owners = await lockOwners(transaction, input.workspaceId);
    const member = await transaction.membership.findFirst({
      where: { id: input.membershipId, workspaceId: input.workspaceId },
      include: { user: { select: { email: true } } },
    });
    if (!member) throw new UserFacingError("That member is not in this workspace.", "not_found");
    const from = member.role as Role;
    if (from === input.role) return { changed: false };
    if (from === "owner" || input.role === "owner") assertMayGrant(input.actor, "owner");
    if (from === "owner" && owners <= 1) throw new UserFacingError(LAST_OWNER_MESSAGE, "last_owner");
    const updated = await transaction.membership.updateMany({ where: { id: member.id, role: from }, data: { role: input.role } });
    if (updated.count !== 1) throw new UserFacingError("That member changed meanwhile. Reload the page.", "conflict");
    await recordAuditEvent(transaction, {
      workspaceId: input.workspaceId,
      actorUserId: input.actor.userId,
      actorLabel: input.actor.label,
      action: "member_role_change",
      outcome: "success",
      detail: `${member.user.email}: ${ROLE_LABELS[from]} → ${ROLE_LABELS[input.role]}.`,
      changes: { role: [from, input.role], member: [member.user.email, member.user.email] },
    });
    return { changed: true };
  });
}

/** Removes a member (removeMember) or the actor themself (leaveWorkspace). */
async function endMembership(
  db: Db,
  input: { workspaceId: string; membershipId: string; actor: Actor; leaving: boolean },
): Promise<void> {
  await db.$transaction(async (transaction) => {
    const owners = await lockOwners(transaction, input.workspaceId);
    const member = await transaction.membership.findFirst({
      where: { id: input.membershipId, workspaceId: input.workspaceId },
      include: { user: { select: { email: true } } },
    });
    if (!member) throw new UserFacingError("That member is not in this workspace.", "not_found");
    if (!input.leaving && member.userId === input.actor.userId) throw new UserFacingError("Use “Leave workspace” to remove yourself.", "invalid_input");
    if (member.role === "owner") {
      if (!input.leaving) assertMayGrant(input.actor, "owner");
      if (owners <= 1) throw new UserFacingError(input.leaving ? `You are the last owner. ${LAST_OWNER_MESSAGE}` : LAST_OWNER_MESSAGE, "last_owner");
    }
    const deleted = await transaction.membership.deleteMany({ where: { id: member.id, role: member.role } });
    if (deleted.count !== 1) throw new UserFacingError("That member changed meanwhile. Reload the page.", "conflict");
    await recordAuditEvent(transaction, {
      workspaceId: input.workspaceId,
      actorUserId: input.actor.userId,
      actorLabel: input.actor.label,
      action: input.leaving ? "member_leave" : "member_remove",
      outcome: "success",
      detail: input.leaving ? `${member.user.email} left the workspace.` : `Removed ${member.user.email} (${ROLE_LABELS[member.role as Role]}).`,
      changes: { membership: [{ email: member.user.email, role: member.role }, null] },
    });
  });
}

export function removeMember(db: Db, input: { workspaceId: string; membershipId: string; actor: Actor }): Promise<void> {
  return endMembership(db, { ...input, leaving: false });
}

export async function leaveWorkspace(db: Db, input: { workspaceId: string; actor: Actor }): Promise<void> {
  const membership = await db.membership.findFirst({ where: { workspaceId: input.workspaceId, userId: input.actor.userId }, select: { id: true } });
  if (!membership) throw new UserFacingError("You are not a member of this workspace.", "not_found");
  await endMembership(db, { workspaceId: input.workspaceId, membershipId: membership.id, actor: input.actor, leaving: true });
}

export type MemberView = { id: string; userId: string; name: string; email: string; role: Role; joinedAt: string };
export type InvitationView = { id: string; email: string; role: Role; invitedByLabel: string; createdAt: string; expiresAt: string; expired: boolean };

export async function listMembers(db: Db, workspaceId: string): Promise<{ members: MemberView[]; invitations: InvitationView[] }> {
  const [members, invitations] = await Promise.all([
    db.membership.findMany({
      where: { workspaceId },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      include: { user: { select: { name: true, email: true } } },
    }),
    db.invitation.findMany({ where: { workspaceId, acceptedAt: null, revokedAt: null }, orderBy: [{ createdAt: "desc" }] }),
  ]);
  const at = now().getTime();
  return {
    members: members.map((member) => ({
      id: member.id,
      userId: member.userId,
      name: member.user.name,
      email: member.user.email,
      role: member.role as Role,
      joinedAt: member.createdAt.toISOString(),
    })),
    invitations: invitations.map((invitation) => ({
      id: invitation.id,
      email: invitation.email,
      role: invitation.role as Role,
      invitedByLabel: invitation.invitedByLabel,
      createdAt: invitation.createdAt.toISOString(),
      expiresAt: invitation.expiresAt.toISOString(),
      expired: invitation.expiresAt.getTime() <= at,
    })),
  };
}
