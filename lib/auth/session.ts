import "server-only";
import { getServerSession } from "next-auth";
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/lib/db";
import { authOptions } from "@/lib/auth/options";
import { can, isRole, type Permission, type Role } from "@/lib/auth/roles";
import { WORKSPACE_COOKIE } from "@/lib/auth/workspace-cookie";
import { demoAccountAllowed, isDemoEmail } from "@/lib/auth/demo-account";

export type SessionUser = { id: string; email: string; name: string };
export type WorkspaceRef = { id: string; name: string };
export type WorkspaceMembership = { workspace: WorkspaceRef; role: Role };
export type WorkspaceContext = { user: SessionUser; workspace: WorkspaceRef; role: Role };

/**
 * The signed-in user, re-read from the database on every request so a still-valid JWT opens nothing once its user
 * is deleted or its sessions were ended: the session's version must be the user's current one (raised by sign out
 * everywhere, a password change and a password reset). Null when signed out.
 */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptions);
  const userId = session?.user?.id;
  if (!userId) return null;
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, email: true, name: true, sessionVersion: true } });
  if (!user) return null;
  // Sessions made before versions existed carry none: they are generation 0, like every user until the first end.
  if ((session.user.sessionVersion ?? 0) !== user.sessionVersion) return null;
  // A demo session from before real eBay keys were set opens nothing (lib/auth/demo-account.ts).
  if (isDemoEmail(user.email) && !demoAccountAllowed()) return null;
  return { id: user.id, email: user.email, name: user.name };
});

/** Every workspace the user belongs to, oldest membership first. */
export const listMemberships = cache(async (userId: string): Promise<WorkspaceMembership[]> => {
  const memberships = await db.membership.findMany({
    where: { userId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { role: true, workspace: { select: { id: true, name: true } } },
  });
  return memberships.flatMap((membership) =>
    isRole(membership.role) ? [{ workspace: membership.workspace, role: membership.role }] : [],
  );
});

async function readWorkspaceCookie(): Promise<string | undefined> {
  try {
    return (await cookies()).get(WORKSPACE_COOKIE)?.value;
  } catch {
    // Outside a request (scripts, unit tests) there is no browser and so no remembered choice.
    return undefined;
  }
}

/** The workspace named by the cookie if the user is a member of it, else their first one. */
export async function resolveCurrentMembership(userId: string): Promise<WorkspaceMembership | null> {
  const memberships = await listMemberships(userId);
  const chosenId = await readWorkspaceCookie();
  return memberships.find((membership) => membership.workspace.id === chosenId) ?? memberships[0] ?? null;
}

/**
 * For server components and pages: the current user, workspace and role. Redirects to /sign-in
 * when signed out; answers 404 when the role lacks `permission` (the page does not exist for them).
 */
export async function requireWorkspace(permission?: Permission): Promise<WorkspaceContext> {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const membership = await resolveCurrentMembership(user.id);
  if (!membership) notFound();
  if (permission && !can(membership.role, permission)) notFound();
  return { user, workspace: membership.workspace, role: membership.role };
}
