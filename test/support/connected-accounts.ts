// Test-only: a workspace with eBay accounts connected through the real OAuth path (state, emulator consent,
// code exchange), so bulk-check tests start from the rows the product itself writes.
import type { Db } from "@/lib/db";
import { consumeOAuthState, createOAuthState } from "@/lib/accounts/oauth-state";
import { completeOAuth } from "@/lib/accounts/complete-oauth";

export type TestWorkspace = { workspaceId: string; userId: string; actor: { userId: string; label: string } };

let workspaceCounter = 0;

export async function createTestWorkspace(db: Db): Promise<TestWorkspace> {
  workspaceCounter += 1;
  const email = `bulk-${process.pid}-${workspaceCounter}@example.test`;
  const user = await db.user.create({ data: { email, name: "Bulk owner", passwordHash: "x" } });
  const workspace = await db.workspace.create({
    data: { name: `Bulk ${workspaceCounter}`, memberships: { create: { userId: user.id, role: "owner" } } },
  });
  return { workspaceId: workspace.id, userId: user.id, actor: { userId: user.id, label: email } };
}

type Consent = (username: string, options: { state: string }) => Promise<{ code: string }>;

export async function connectTestAccount(db: Db, workspace: TestWorkspace, consent: Consent, username: string): Promise<string> {
  const state = await createOAuthState(db, {
    workspaceId: workspace.workspaceId,
    userId: workspace.userId,
    intent: "connect",
    environment: "emulated",
  });
  const { code } = await consent(username, { state });
  const consumed = await consumeOAuthState(db, state, workspace.userId);
  if (!consumed.ok) throw new Error(`state rejected: ${consumed.reason}`);
  const result = await completeOAuth(db, { state: consumed.record, code, actor: workspace.actor });
  if (result.kind !== "connected") throw new Error(`connect failed: ${result.kind}`);
  return result.accountId;
}

// Fast pacing for tests (read by the jobs from the environment); correctness does not depend on any of these values.
export function useFastCheckRuns(overrides: Record<string, string> = {}): void {
  Object.assign(process.env, {
    CHECK_RUN_RETRY_BASE_MS: "50",
    CHECK_RUN_MAX_ATTEMPTS: "3",
    CHECK_RUN_QUOTA_CHECK_SECONDS: "3600",
    ...overrides,
  });
}

type AuthNAuthSignIn = (signInUrl: string, username: string) => Promise<string>;

/** Connects (or adds) an Auth'n'Auth token through the product's path: GetSessionID, the seller agrees, FetchToken. */
export async function connectTestAuthNAuthToken(
  db: Db,
  workspace: TestWorkspace,
  signIn: AuthNAuthSignIn,
  username: string,
  options: { intent?: "connect" | "recreate"; accountId?: string } = {},
): Promise<string> {
  const { startAuthNAuthSignIn } = await import("@/lib/accounts/authnauth-signin");
  const { completeAuthNAuth } = await import("@/lib/accounts/complete-authnauth");
  const { signInUrl, cookie } = await startAuthNAuthSignIn(db, {
    workspaceId: workspace.workspaceId,
    userId: workspace.userId,
    intent: options.intent ?? "connect",
    ...(options.accountId ? { accountId: options.accountId } : {}),
  });
  await signIn(signInUrl, username);
  const consumed = await consumeOAuthState(db, cookie.value, workspace.userId);
  if (!consumed.ok) throw new Error(`state rejected: ${consumed.reason}`);
  const result = await completeAuthNAuth(db, { state: consumed.record, actor: workspace.actor });
  if (result.kind !== "connected" && result.kind !== "recreated") throw new Error(`Auth'n'Auth connect failed: ${result.kind}`);
  return result.accountId;
}
