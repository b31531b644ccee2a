// `npm run security:roles`: rewrites SECURITY.md's "Who may do what" tables from the code (roles and the action table).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { withCurrentSecurityTables } from "@/lib/actions/security-table";

const file = path.resolve(__dirname, "..", "SECURITY.md");
const before = readFileSync(file, "utf8");
const after = withCurrentSecurityTables(before);
if (after === before) {
  console.log("SECURITY.md's role tables are current.");
} else {
  writeFileSync(file, after);
  console.log("SECURITY.md's role tables rewritten from lib/auth/roles.ts and lib/actions/action-table.ts.");
}
