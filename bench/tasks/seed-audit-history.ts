// Bench task: 100,000 audit events spread over the 18 months before the app's now(), written in createMany
// batches straight into AuditEvent (the append-only table recordAuditEvent writes one row at a time). The mix
// of actions, outcomes, actors and accounts follows what a busy fleet's history holds: mostly scheduled and
// bulk Tests and refreshes, some sign-ins, connects, re-creates and the odd export. Deterministic (seeded).
// Inputs (env): DATABASE_URL, BENCH_WORKSPACE_ID, BENCH_USER_ID, BENCH_USER_EMAIL, BENCH_AUDIT_EVENTS.
import { createDbClient, databaseUrlFromEnv } from "@/lib/db";
import { now } from "@/lib/clock";
import type { AuditAction, AuditOutcome } from "@/lib/audit/record";
import { requiredEnv, runTask, writeTaskOutput } from "@/bench/support/task-io";

export type SeedAuditOutput = {
  seeded: number;
  totalInWorkspace: number;
  durationMs: number;
  /** An "older" cursor 75% of the way down the history, made the way lib/audit/query.ts encodes cursors. */
  deepCursor: string;
  deepCursorPosition: number;
  filterAccountId: string;
  filterAccountEvents: number;
  filterActionOutcomeEvents: number;
};

const BATCH_SIZE = 5_000;
const EIGHTEEN_MONTHS_MS = 547.5 * 24 * 60 * 60 * 1000;

/** mulberry32: small, fast, good enough to spread benchmark data reproducibly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type EventShape = { action: AuditAction; weight: number; account: boolean; outcomes: Array<[AuditOutcome, number]>; actor: "user" | "scheduler" | "teammate" };

// Weights are per mille of all events.
const SHAPES: EventShape[] = [
  { action: "account_test", weight: 520, account: true, outcomes: [["success", 0.9], ["failure", 0.1]], actor: "scheduler" },
  { action: "token_refresh", weight: 230, account: true, outcomes: [["success", 0.97], ["failure", 0.03]], actor: "scheduler" },
  { action: "status_change", weight: 40, account: true, outcomes: [["info", 1]], actor: "scheduler" },
  { action: "check_run_start", weight: 20, account: false, outcomes: [["info", 1]], actor: "user" },
  { action: "check_run_finish", weight: 20, account: false, outcomes: [["success", 0.7], ["failure", 0.3]], actor: "user" },
  { action: "sign_in", weight: 70, account: false, outcomes: [["success", 1]], actor: "teammate" },
  { action: "sign_in_failed", weight: 10, account: false, outcomes: [["failure", 0.9], ["refused", 0.1]], actor: "teammate" },
  { action: "sign_out", weight: 30, account: false, outcomes: [["success", 1]], actor: "teammate" },
  { action: "account_connect", weight: 15, account: true, outcomes: [["success", 1]], actor: "user" },
  { action: "account_recreate", weight: 15, account: true, outcomes: [["success", 1]], actor: "user" },
  { action: "account_recreate_failed", weight: 3, account: true, outcomes: [["refused", 1]], actor: "user" },
  { action: "account_rename", weight: 10, account: true, outcomes: [["success", 1]], actor: "teammate" },
  { action: "account_disconnect", weight: 5, account: true, outcomes: [["success", 1]], actor: "user" },
  { action: "oauth_declined", weight: 5, account: false, outcomes: [["info", 1]], actor: "user" },
  { action: "alert_settings_update", weight: 2, account: false, outcomes: [["success", 1]], actor: "user" },
  { action: "audit_export", weight: 5, account: false, outcomes: [["success", 1]], actor: "teammate" },
];

const DETAILS: Partial<Record<AuditAction, Partial<Record<AuditOutcome, string>>>> = {
  account_test: {
    success: "eBay accepted the token; GetTokenStatus reports it Active.",
    failure: "eBay says the seller revoked this app's access. Re-create the token to reconnect.",
  },
  token_refresh: { success: "Access token refreshed; valid for 2 hours.", failure: "eBay did not answer the refresh in time." },
  status_change: { info: "Status changed from Healthy to Expiring soon." },
  check_run_start: { info: "Started a check of 250 accounts (All accounts)." },
  check_run_finish: {
    success: "Finished after checking 250 of 250: 250 healthy, 0 need re-authorization, 0 eBay unavailable.",
    failure: "Finished after checking 250 of 250: 241 healthy, 6 need re-authorization, 3 eBay unavailable.",
  },
  sign_in: { success: "Signed in." },
  sign_in_failed: { failure: "Wrong password.", refused: "Sign-in locked for 15 minutes after too many attempts." },
  account_connect: { success: "Connected with the default scopes." },
  account_recreate: { success: "New refresh token issued; valid for 18 months." },
  account_recreate_failed: { refused: "Consent came from another eBay user; nothing was changed." },
  account_rename: { success: "Renamed." },
  account_disconnect: { success: "Tokens deleted; eBay confirmed the revocation." },
  audit_export: { success: "Exported the history as CSV." },
};

function pick<T>(random: () => number, weighted: Array<[T, number]>): T {
  const total = weighted.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [value, weight] of weighted) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return weighted[weighted.length - 1]![0];
}

function encodeOlderCursor(createdAt: Date, id: string): string {
  return Buffer.from(`o.${createdAt.getTime()}.${id}`, "utf8").toString("base64url");
}

async function main(): Promise<void> {
  const db = createDbClient(databaseUrlFromEnv());
  const workspaceId = requiredEnv("BENCH_WORKSPACE_ID");
  const userId = requiredEnv("BENCH_USER_ID");
  const userEmail = requiredEnv("BENCH_USER_EMAIL");
  const count = Number(requiredEnv("BENCH_AUDIT_EVENTS"));
  const random = seededRandom(20260101);
  const startedAt = performance.now();

  const accounts = await db.ebayAccount.findMany({ where: { workspaceId }, select: { id: true, ebayUsername: true, nickname: true }, orderBy: { id: "asc" } });
  const teammates = [userEmail, "ops@bench-agency.test", "sam@bench-agency.test", "lee@bench-agency.test"];
  const shapes: Array<[EventShape, number]> = SHAPES.map((shape) => [shape, shape.weight]);
  const end = now().getTime();
  const start = end - EIGHTEEN_MONTHS_MS;

  for (let written = 0; written < count; written += BATCH_SIZE) {
    const data = Array.from({ length: Math.min(BATCH_SIZE, count - written) }, () => {
      const shape = pick(random, shapes);
      const outcome = pick(random, shape.outcomes);
      const account = shape.account ? accounts[Math.floor(random() * accounts.length)]! : null;
      const actorLabel = shape.actor === "scheduler" ? "scheduler" : shape.actor === "user" ? userEmail : teammates[Math.floor(random() * teammates.length)]!;
      const bulk = shape.actor === "scheduler" && random() < 0.5;
      return {
        workspaceId,
        actorUserId: actorLabel === userEmail ? userId : null,
        actorLabel,
        accountId: account?.id ?? null,
        accountName: account ? (account.nickname ?? account.ebayUsername) : null,
        action: shape.action,
        outcome,
        detail: DETAILS[shape.action]?.[outcome] ?? "",
        changes: shape.action === "status_change" ? { status: ["healthy", "expiring"] } : undefined,
        runId: bulk ? `benchrun${Math.floor(random() * 5_000).toString(36)}` : null,
        createdAt: new Date(start + random() * (end - start)),
      };
    });
    await db.auditEvent.createMany({ data });
  }

  const totalInWorkspace = await db.auditEvent.count({ where: { workspaceId } });
  const deepCursorPosition = Math.floor(totalInWorkspace * 0.75);
  const [deep] = await db.auditEvent.findMany({
    where: { workspaceId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: deepCursorPosition,
    take: 1,
    select: { createdAt: true, id: true },
  });
  const filterAccountId = accounts[0]!.id;
  const output: SeedAuditOutput = {
    seeded: count,
    totalInWorkspace,
    durationMs: Math.round(performance.now() - startedAt),
    deepCursor: encodeOlderCursor(deep!.createdAt, deep!.id),
    deepCursorPosition,
    filterAccountId,
    filterAccountEvents: await db.auditEvent.count({ where: { workspaceId, accountId: filterAccountId } }),
    filterActionOutcomeEvents: await db.auditEvent.count({ where: { workspaceId, action: "account_test", outcome: "failure" } }),
  };
  writeTaskOutput(output);
  await db.$disconnect();
}

runTask(main);
