// Test-only child process: a workspace with FLEET_SIZE eBay sellers connected through the product's own OAuth
// completion (state, the emulator's consent, code exchange, getUser), as many as a browser would take minutes for.
// Env: DATABASE_URL, EBAY_EMULATOR_URL, FLEET_SIZE, FLEET_EMAIL, FLEET_PASSWORD. Prints one JSON line:
// {"workspaceId", "userId", "accountIds"}. Run with node's react-server condition (lib/ imports "server-only").
import { createDbClient, databaseUrlFromEnv } from "@/lib/db";
import { hashPassword } from "@/lib/auth/password";
import { completeOAuth } from "@/lib/accounts/complete-oauth";
import { consumeOAuthState, createOAuthState } from "@/lib/accounts/oauth-state";

const CONNECT_CONCURRENCY = 8;

async function control<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`${process.env.EBAY_EMULATOR_URL}/__emulator/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`emulator ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function main() {
  const db = createDbClient(databaseUrlFromEnv());
  const size = Number(process.env.FLEET_SIZE);
  const email = process.env.FLEET_EMAIL!;
  const user = await db.user.create({ data: { email, name: "Fleet owner", passwordHash: await hashPassword(process.env.FLEET_PASSWORD!) } });
  const workspace = await db.workspace.create({
    data: { name: "Fleet", memberships: { create: { userId: user.id, role: "owner" } } },
  });
  const actor = { userId: user.id, label: email };
  const prefix = `fleet${Date.now().toString(36)}`;
  const accountIds: string[] = [];
  let next = 0;
  const connectOne = async () => {
    for (let index = next++; index < size; index = next++) {
      const { user: seller } = await control<{ user: { username: string } }>("users", { username: `${prefix}_${index}` });
      const state = await createOAuthState(db, { workspaceId: workspace.id, userId: user.id, intent: "connect", environment: "emulated" });
      const { location } = await control<{ location: string }>("consent", { username: seller.username, state });
      const code = new URL(location).searchParams.get("code")!;
      const consumed = await consumeOAuthState(db, state, user.id);
      if (!consumed.ok) throw new Error(`state refused: ${consumed.reason}`);
      const result = await completeOAuth(db, { state: consumed.record, code, actor });
      if (result.kind !== "connected") throw new Error(`connect failed: ${result.kind}`);
      accountIds.push(result.accountId);
    }
  };
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, connectOne));
  process.stdout.write(`${JSON.stringify({ workspaceId: workspace.id, userId: user.id, accountIds })}\n`);
  await db.$disconnect();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
