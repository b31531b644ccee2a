// Vitest global setup: one PostgreSQL server and one migrated template for the whole run; test files copy the
// template (test/support/test-database.ts). The URLs reach the test processes through the environment.
import { TEMPLATE_DATABASE_ENV, TEST_SERVER_URL_ENV, ensureTemplateDatabase, startTestServer } from "@/test/support/test-postgres";

export default async function setup(): Promise<() => Promise<void>> {
  const server = await startTestServer();
  process.env[TEST_SERVER_URL_ENV] = server.serverUrl;
  process.env[TEMPLATE_DATABASE_ENV] = await ensureTemplateDatabase(server.serverUrl);
  return () => server.stop();
}
