// Test-only child process: one manual Test of one account, on the database and emulator named by the
// environment, started when the parent writes "go" so the parent can line up a race with it.
import { createDbClient, databaseUrlFromEnv } from "@/lib/db";
import { testAccount } from "@/lib/accounts/test-account";

async function main() {
  const db = createDbClient(databaseUrlFromEnv());
  const workspaceId = process.env.TEST_WORKSPACE_ID!;
  const accountId = process.env.TEST_ACCOUNT_ID!;
  await db.ebayAccount.count(); // connect before the race starts
  process.stdout.write("ready\n");
  await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
  const result = await testAccount(db, { workspaceId, accountId, actor: { userId: null, label: "other process" }, trigger: "manual" });
  process.stdout.write(`result ${JSON.stringify({ status: result.status, refreshed: result.refreshed })}\n`);
  await db.$disconnect();
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
