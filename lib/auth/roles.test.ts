import { describe, expect, it } from "vitest";
import { can, isAtLeast, isRole, minimumRoleFor, PERMISSIONS, permissionsOf, ROLES, type Permission, type Role } from "@/lib/auth/roles";

// The whole matrix, written out: a change to who may do what must change this table too.
const EXPECTED: Record<Role, Permission[]> = {
  viewer: ["accounts:read", "audit:read", "members:read", "notifications:mark-read"],
  member: ["accounts:read", "audit:read", "members:read", "notifications:mark-read", "accounts:test"],
  admin: [
    "accounts:read",
    "audit:read",
    "members:read", "notifications:mark-read",
    "accounts:test",
    "accounts:connect",
    "accounts:recreate",
    "accounts:rename",
    "accounts:disconnect",
    "audit:export",
    "alerts:manage",
    "accounts:tag",
    "accounts:import",
    "reauth_links:manage",
    "members:manage",
    "api_keys:manage",
    "webhooks:manage",
  ],
  owner: [...PERMISSIONS],
};

describe("role permission matrix", () => {
  for (const role of ROLES) {
    for (const permission of PERMISSIONS) {
      const allowed = EXPECTED[role].includes(permission);
      it(`${role} ${allowed ? "may" : "may not"} ${permission}`, () => {
        expect(can(role, permission)).toBe(allowed);
      });
    }
  }

  it("lists each role's permissions", () => {
    for (const role of ROLES) expect(new Set(permissionsOf(role))).toEqual(new Set(EXPECTED[role]));
  });

  it("orders roles viewer < member < admin < owner and each holds everything below it", () => {
    expect(isAtLeast("owner", "admin")).toBe(true);
    expect(isAtLeast("member", "admin")).toBe(false);
    expect(isAtLeast("viewer", "viewer")).toBe(true);
    for (let index = 1; index < ROLES.length; index += 1) {
      const lower = ROLES[index - 1]!;
      const higher = ROLES[index]!;
      for (const permission of permissionsOf(lower)) expect(can(higher, permission)).toBe(true);
    }
  });

  it("names the least role needed for a permission", () => {
    expect(minimumRoleFor("accounts:read")).toBe("viewer");
    expect(minimumRoleFor("accounts:test")).toBe("member");
    expect(minimumRoleFor("accounts:disconnect")).toBe("admin");
    expect(minimumRoleFor("alerts:manage")).toBe("admin");
    expect(minimumRoleFor("workspace:manage")).toBe("owner");
  });

  it("recognises only the four role names", () => {
    expect(isRole("admin")).toBe(true);
    expect(isRole("superuser")).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });
});
