// Bench task: a workspace whose eBay accounts were connected the way a seller connects them. The user signs up
// through registerUser, every account is a distinct emulated eBay seller, and every token comes from the emulator
// through the product's own OAuth completion (state, consent, code exchange, getUser). Optionally the shared
// clock moves between batches, so the fleet's refresh tokens were issued at different (virtual) times.
// Inputs (env): DATABASE_URL, EBAY_EMULATOR_URL, BENCH_USER_EMAIL, BENCH_USER_NAME, BENCH_USER_PASSWORD,
// BENCH_SELLER_PREFIX, BENCH_CONNECT_SCHEDULE (JSON [{count, advanceSecondsBefore}]), BENCH_CONNECT_CONCURRENCY.
import { createDbClient, databaseUrlFromEnv } from "@/lib/db";
import { registerUser } from "@/lib/auth/sign-up";
import { createOAuthState, consumeOAuthState } from "@/lib/accounts/oauth-state";
import { completeOAuth } from "@/lib/accounts/complete-oauth";
import { EmulatorControl } from "@/bench/support/emulator-control";
import { requiredEnv, runTask, writeTaskOutput } from "@/bench/support/task-io";

export type ConnectBatch = { count: number; advanceSecondsBefore: number };

export type ConnectFleetOutput = {
  userId: string;
  workspaceId: string;
  connected: number;
  durationMs: number;
  sellerUsernames: string[];
};

const MARKETPLACES = ["EBAY_US", "EBAY_GB", "EBAY_DE", "EBAY_AU", "EBAY_FR", "EBAY_IT"];

async function mapWithConcurrency<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

async function main(): Promise<void> {
  const db = createDbClient(databaseUrlFromEnv());
  const emulator = new EmulatorControl(requiredEnv("EBAY_EMULATOR_URL"));
  const prefix = requiredEnv("BENCH_SELLER_PREFIX");
  const schedule = JSON.parse(requiredEnv("BENCH_CONNECT_SCHEDULE")) as ConnectBatch[];
  const concurrency = Number(process.env.BENCH_CONNECT_CONCURRENCY ?? 8);
  const startedAt = performance.now();

  const signUp = await registerUser({
    name: requiredEnv("BENCH_USER_NAME"),
    email: requiredEnv("BENCH_USER_EMAIL"),
    password: requiredEnv("BENCH_USER_PASSWORD"),
  }, { client: db });
  if (!signUp.ok) throw new Error(`sign-up refused: ${signUp.error}`);
  const { user, workspace } = signUp;
  const actor = { userId: user.id, label: user.email };

  const total = schedule.reduce((sum, batch) => sum + batch.count, 0);
  const usernames = Array.from({ length: total }, (_, index) => `${prefix}_${String(index + 1).padStart(4, "0")}`);
  await mapWithConcurrency(usernames, concurrency, async (username, index) => {
    await emulator.createSeller(username, MARKETPLACES[index % MARKETPLACES.length]!, index % 3 === 0 ? "INDIVIDUAL" : "BUSINESS");
  });

  let offset = 0;
  for (const batch of schedule) {
    if (batch.advanceSecondsBefore > 0) await emulator.advanceClock(batch.advanceSecondsBefore);
    const batchUsernames = usernames.slice(offset, offset + batch.count);
    offset += batch.count;
    await mapWithConcurrency(batchUsernames, concurrency, async (username) => {
      const state = await createOAuthState(db, { workspaceId: workspace.id, userId: user.id, intent: "connect", environment: "emulated" });
      const code = await emulator.consentCode(username, state);
      const consumed = await consumeOAuthState(db, state, user.id);
      if (!consumed.ok) throw new Error(`OAuth state refused: ${consumed.reason}`);
      const completion = await completeOAuth(db, { state: consumed.record, code, actor });
      if (completion.kind !== "connected") throw new Error(`connecting ${username} ended as ${completion.kind}`);
    });
  }

  const connected = await db.ebayAccount.count({ where: { workspaceId: workspace.id, status: "healthy" } });
  if (connected !== total) throw new Error(`expected ${total} healthy accounts, found ${connected}`);
  const output: ConnectFleetOutput = {
    userId: user.id,
    workspaceId: workspace.id,
    connected,
    durationMs: Math.round(performance.now() - startedAt),
    sellerUsernames: usernames,
  };
  writeTaskOutput(output);
  await db.$disconnect();
}

runTask(main);
