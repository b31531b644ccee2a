import path from "node:path";
import { defineConfig } from "prisma/config";

// The Prisma CLI is used only for `generate`; migrations run through scripts/db-migrate.ts
// (Prisma's schema engine as WebAssembly), which needs no downloaded binary.
export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
});
