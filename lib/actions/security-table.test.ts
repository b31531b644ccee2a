import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { securityRoleTables, withCurrentSecurityTables } from "@/lib/actions/security-table";

// SECURITY.md tells people who may do what: it must say what the code enforces. Run `npm run security:roles` after
// changing lib/auth/roles.ts or lib/actions/action-table.ts.
describe("SECURITY.md", () => {
  it("carries the role and action tables exactly as the code has them", () => {
    const document = readFileSync(path.join(import.meta.dirname, "../../SECURITY.md"), "utf8");
    expect(withCurrentSecurityTables(document), "SECURITY.md is out of date: run npm run security:roles").toBe(document);
  });

  it("lists every permission and every server action", () => {
    const tables = securityRoleTables();
    expect(tables).toContain("| `alerts:manage` | no | no | yes | yes |");
    expect(tables).toContain("| `markWarningRead` | Viewer and above (`notifications:mark-read`) |");
    expect(tables).toContain("| `resetPassword` | anyone |");
  });
});
