// Bench task: a workspace whose eBay accounts were connected the way sellers connect them. The user signs up through
// registerUser; every account is a distinct emulated eBay seller whose tokens the emulator issued through the OAuth
// code flow; the shared clock moves on between batches, so the fleet's refresh tokens were issued at different
// (virtual) times over 18 months, as in a fleet that grew over that time.
//
// Two ways through a batch, both ending in the rows the product writes:
// - the product's OAuth completion, one account at a time (createOAuthState, the emulator's consent, consumeOAuthState,
//   completeOAuth: code exchange, getUser, the account row and its audit line), for one account in BENCH_OAUTH_EVERY;
// - for the others, the same eBay half (the emulator's consent, then connectWithAuthorizationCode: code exchange and
//   getUser through the product's eBay client), with the database half written in bulk: the consumed OAuthState, the
//   EbayAccount row completeOAuth creates and its account_connect audit line, a few hundred per statement. Connecting
//   10,000 accounts one at a time through the product costs about 6 database round trips and ~10 ms of CPU each, more
//   than the bench's 15 minutes allow next to everything else on 2 CPUs; the bulk rows are field for field what
//   completeOAuth writes for a first connect (see connectedAccountRow).
// Inputs (env): DATABASE_URL, EBAY_EMULATOR_URL, BENCH_USER_EMAIL, BENCH_USER_NAME, BENCH_USER_PASSWORD,
// BENCH_SELLER_PREFIX, BENCH_CONNECT_SCHEDULE (JSON [{count, advanceSecondsBefore}]), BENCH_OAUTH_EVERY,
// BENCH_CONNECT_CONCURRENCY.
import { createHash, randomBytes } from "node:crypto";
import { createDbClient, databaseUrlFromEnv, type Db } from "@/lib/db";
import { now } from "@/lib/clock";
import { registerUser } from "@/lib/auth/sign-up";
import { auditEventData } from "@/lib/audit/record";
import { createOAuthState, consumeOAuthState } from "@/lib/accounts/oauth-state";
import { completeOAuth } from "@/lib/accounts/complete-oauth";
import { accountDisplayName } from "@/lib/accounts/account-name";
import { connectWithAuthorizationCode, type ConnectResult } from "@/lib/tokens/check-token";
import { getEbayConfig } from "@/lib/ebay/config";
import { EmulatorControl } from "@/bench/support/emulator-control";
import { mapWithConcurrency } from "@/bench/support/concurrency";
import { requiredEnv, runTask, writeTaskOutput } from "@/bench/support/task-io";

export type ConnectBatch = { count: number; advanceSecondsBefore: number };

export type ConnectFleetOutput = {
  userId: string;
  workspaceId: string;
  connected: number;
  /** Accounts connected one at a time through completeOAuth. */
  throughOAuthCompletion: number;
  /** Accounts whose eBay half ran per account and whose rows were written in bulk. */
  writtenInBulk: number;
  durationMs: number;
  sellerUsernames: string[];
};

const MARKETPLACES = ["EBAY_US", "EBAY_GB", "EBAY_DE", "EBAY_AU", "EBAY_FR", "EBAY_IT"];
/** Rows per bulk statement: large enough to amortise a round trip, small enough to keep statements quick. */
const BULK_ROWS = 250;
const STATE_LIFETIME_MS = 10 * 60 * 1000;

type Owner = { userId: string; email: string; workspaceId: string };

/** One account the full way: state, consent, state consumed, completeOAuth. */
async function connectThroughOAuth(db: Db, emulator: EmulatorControl, owner: Owner, username: string): Promise<void> {
  const state = await createOAuthState(db, { workspaceId: owner.workspaceId, userId: owner.userId, intent: "connect", environment: "emulated" });
  const code = await emulator.consentCode(username, state);
  const consumed = await consumeOAuthState(db, state, owner.userId);
  if (!consumed.ok) throw new Error(`OAuth state refused: ${consumed.reason}`);
  const completion = await completeOAuth(db, { state: consumed.record, code, actor: { userId: owner.userId, label: owner.email } });
  if (completion.kind !== "connected") throw new Error(`connecting ${username} ended as ${completion.kind}`);
}

/** The EbayAccount row completeOAuth creates for a first connect of this eBay user, given the same eBay answers. */
function connectedAccountRow(owner: Owner, connected: ConnectResult, at: Date, scopes: string) {
  const { grant, ebayUser } = connected;
  return {
    workspaceId: owner.workspaceId,
    environment: "emulated",
    ebayUserId: ebayUser.userId,
    accessToken: grant.accessToken,
    accessTokenExpiresAt: new Date(at.getTime() + grant.accessTokenExpiresIn * 1000),
    refreshToken: grant.refreshToken,
    refreshTokenExpiresAt: new Date(at.getTime() + grant.refreshTokenExpiresIn * 1000),
    scopes,
    status: "healthy",
    statusCause: null,
    statusMessage: null,
    verdictStatus: "healthy",
    verdictCause: null,
    failureStreak: 0,
    lastCheckedAt: at,
    lastHealthyAt: at,
    lastRefreshedAt: at,
    disconnectedAt: null,
    ...(ebayUser.username ? { ebayUsername: ebayUser.username } : {}),
    ...(ebayUser.registrationMarketplaceId ? { marketplaceId: ebayUser.registrationMarketplaceId } : {}),
    ...(ebayUser.accountType ? { accountType: ebayUser.accountType } : {}),
    connectedAt: at,
  };
}

/** The eBay half per account (as the callback would run it), the database half in bulk statements. */
async function connectInBulk(db: Db, emulator: EmulatorControl, owner: Owner, usernames: string[], concurrency: number): Promise<void> {
  const scopes = getEbayConfig().scopes.join(" ");
  let pending: Array<{ connected: ConnectResult; at: Date; stateHash: string }> = [];
  const flush = async () => {
    const rows = pending;
    pending = [];
    if (rows.length === 0) return;
    await db.$transaction(async (transaction) => {
      await transaction.oAuthState.createMany({
        data: rows.map((row) => ({
          stateHash: row.stateHash,
          workspaceId: owner.workspaceId,
          userId: owner.userId,
          intent: "connect",
          accountId: null,
          environment: "emulated",
          expiresAt: new Date(row.at.getTime() + STATE_LIFETIME_MS),
          consumedAt: row.at,
          createdAt: row.at,
        })),
      });
      const accounts = await transaction.ebayAccount.createManyAndReturn({
        data: rows.map((row) => connectedAccountRow(owner, row.connected, row.at, scopes)),
        select: { id: true, ebayUserId: true, ebayUsername: true, nickname: true },
      });
      const byEbayUserId = new Map(rows.map((row) => [row.connected.ebayUser.userId, row]));
      await transaction.auditEvent.createMany({
        data: accounts.map((account) => {
          const { connected, at } = byEbayUserId.get(account.ebayUserId)!;
          const signedInAs = connected.ebayUser.username ?? connected.ebayUser.userId;
          return {
            ...auditEventData({
              workspaceId: owner.workspaceId,
              actorUserId: owner.userId,
              actorLabel: owner.email,
              accountId: account.id,
              accountName: accountDisplayName(account),
              action: "account_connect",
              outcome: "success",
              detail: `Connected eBay user ${signedInAs} (${connected.ebayUser.registrationMarketplaceId ?? "marketplace unknown"}).`,
            }),
            createdAt: at,
          };
        }),
      });
    });
  };
  let writing = Promise.resolve();
  await mapWithConcurrency(usernames, concurrency, async (username) => {
    const state = randomBytes(32).toString("base64url");
    const code = await emulator.consentCode(username, state);
    const connected = await connectWithAuthorizationCode(code);
    pending.push({ connected, at: now(), stateHash: createHash("sha256").update(state).digest("hex") });
    if (pending.length >= BULK_ROWS) {
      writing = writing.then(flush);
      await writing;
    }
  });
  writing = writing.then(flush);
  await writing;
}

async function main(): Promise<void> {
  const db = createDbClient(databaseUrlFromEnv());
  const emulator = new EmulatorControl(requiredEnv("EBAY_EMULATOR_URL"));
  const prefix = requiredEnv("BENCH_SELLER_PREFIX");
  const schedule = JSON.parse(requiredEnv("BENCH_CONNECT_SCHEDULE")) as ConnectBatch[];
  const oauthEvery = Math.max(1, Number(process.env.BENCH_OAUTH_EVERY ?? 1));
  const concurrency = Number(process.env.BENCH_CONNECT_CONCURRENCY ?? 16);
  const startedAt = performance.now();

  const signUp = await registerUser(
    { name: requiredEnv("BENCH_USER_NAME"), email: requiredEnv("BENCH_USER_EMAIL"), password: requiredEnv("BENCH_USER_PASSWORD") },
    { client: db },
  );
  if (!signUp.ok) throw new Error(`sign-up refused: ${signUp.error}`);
  const owner: Owner = { userId: signUp.user.id, email: signUp.user.email, workspaceId: signUp.workspace.id };

  const total = schedule.reduce((sum, batch) => sum + batch.count, 0);
  const usernames = Array.from({ length: total }, (_, index) => `${prefix}_${String(index + 1).padStart(5, "0")}`);
  await mapWithConcurrency(usernames, concurrency, async (username, index) => {
    await emulator.createSeller(username, MARKETPLACES[index % MARKETPLACES.length]!, index % 3 === 0 ? "INDIVIDUAL" : "BUSINESS");
  });

  let offset = 0;
  let throughOAuthCompletion = 0;
  for (const batch of schedule) {
    if (batch.advanceSecondsBefore > 0) await emulator.advanceClock(batch.advanceSecondsBefore);
    const batchUsernames = usernames.slice(offset, offset + batch.count);
    const viaOAuth = batchUsernames.filter((_, index) => (offset + index) % oauthEvery === 0);
    const inBulk = batchUsernames.filter((_, index) => (offset + index) % oauthEvery !== 0);
    offset += batch.count;
    await Promise.all([
      mapWithConcurrency(viaOAuth, Math.max(1, Math.round(concurrency / 2)), (username) => connectThroughOAuth(db, emulator, owner, username)),
      connectInBulk(db, emulator, owner, inBulk, Math.max(1, Math.round(concurrency / 2))),
    ]);
    throughOAuthCompletion += viaOAuth.length;
    console.log(`connected ${offset} of ${total} (${throughOAuthCompletion} through completeOAuth)`);
  }

  const connected = await db.ebayAccount.count({ where: { workspaceId: owner.workspaceId, status: "healthy" } });
  if (connected !== total) throw new Error(`expected ${total} healthy accounts, found ${connected}`);
  const output: ConnectFleetOutput = {
    userId: owner.userId,
    workspaceId: owner.workspaceId,
    connected,
    throughOAuthCompletion,
    writtenInBulk: total - throughOAuthCompletion,
    durationMs: Math.round(performance.now() - startedAt),
    sellerUsernames: usernames,
  };
  writeTaskOutput(output);
  await db.$disconnect();
}

runTask(main);
