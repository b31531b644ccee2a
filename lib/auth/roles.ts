// Workspace roles and what each may do. Every page and server action asks `can(role, permission)`
// rather than comparing role names, so adding a permission is one line here.

export const ROLES = ["viewer", "member", "admin", "owner"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  "accounts:read",
  "audit:read",
  // Each member's own read marks on warnings (WarningRead): nothing shared changes, so viewers hold it.
  "notifications:mark-read",
  "accounts:test",
  "accounts:connect",
  "accounts:recreate",
  "accounts:rename",
  "accounts:disconnect",
  "audit:export",
  "alerts:manage",
  "workspace:manage",
  "members:read",
  "members:manage",
  "accounts:tag",
  "accounts:import",
  "reauth_links:manage",
  "api_keys:manage",
  "webhooks:manage",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const VIEWER: readonly Permission[] = ["accounts:read", "audit:read", "members:read", "notifications:mark-read"];
const MEMBER: readonly Permission[] = [...VIEWER, "accounts:test"];
const ADMIN: readonly Permission[] = [
  ...MEMBER,
  "accounts:connect",
  "accounts:recreate",
  "accounts:rename",
  "accounts:disconnect",
  "audit:export",
  // Agencies run accounts for sellers: the people who repair tokens also decide who hears about breakage.
  "alerts:manage",
  "accounts:tag",
  "accounts:import",
  // A link that lets an agency's client consent again for one account is a re-create, handed to someone else.
  "reauth_links:manage",
  // Inviting, changing roles and removing (never the owner role: lib/members/ enforces that an admin cannot grant,
  // change or remove an owner), API keys and webhooks: the integration work an agency's admins do.
  "members:manage",
  "api_keys:manage",
  "webhooks:manage",
];

const PERMISSIONS_BY_ROLE: Record<Role, ReadonlySet<Permission>> = {
  viewer: new Set(VIEWER),
  member: new Set(MEMBER),
  admin: new Set(ADMIN),
  owner: new Set(PERMISSIONS),
};

export const ROLE_LABELS: Record<Role, string> = {
  viewer: "Viewer",
  member: "Member",
  admin: "Admin",
  owner: "Owner",
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Position in the hierarchy: viewer 0 < member 1 < admin 2 < owner 3. */
export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function isAtLeast(role: Role, minimum: Role): boolean {
  return roleRank(role) >= roleRank(minimum);
}

export function can(role: Role, permission: Permission): boolean {
  return PERMISSIONS_BY_ROLE[role].has(permission);
}

export function permissionsOf(role: Role): Permission[] {
  return PERMISSIONS.filter((permission) => can(role, permission));
}

/** The least powerful role that holds a permission: used in refusal messages. */
export function minimumRoleFor(permission: Permission): Role {
  const role = ROLES.find((candidate) => can(candidate, permission));
  // Owner holds every permission, so the search always succeeds.
  return role ?? "owner";
}
