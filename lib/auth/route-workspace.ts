import "server-only";
import { can, type Permission } from "@/lib/auth/roles";
import { getSessionUser, resolveCurrentMembership, type WorkspaceContext } from "@/lib/auth/session";

/**
 * For route handlers (public endpoints): the caller's workspace context, or null when signed out,
 * not a member, or lacking the permission. Callers answer null with 404 so ids reveal nothing.
 */
export async function workspaceForRoute(permission: Permission): Promise<WorkspaceContext | null> {
  const user = await getSessionUser();
  if (!user) return null;
  const membership = await resolveCurrentMembership(user.id);
  if (!membership || !can(membership.role, permission)) return null;
  return { user, workspace: membership.workspace, role: membership.role };
}

/** A path segment that can name a row: anything else (too long, a NUL PostgreSQL cannot hold) is simply not found. */
export function isRouteId(value: string): boolean {
  return value.length > 0 && value.length <= 64 && !value.includes("\u0000");
}

export function notFoundResponse(): Response {
  return Response.json({ error: "Not found" }, { status: 404, headers: { "Cache-Control": "no-store" } });
}
