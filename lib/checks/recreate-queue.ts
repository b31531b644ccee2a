import "server-only";
import type { Db } from "@/lib/db";
import { accountDisplayName } from "@/lib/accounts/account-name";

// The guided re-create queue is derived, not stored: the run's "needs re-authorization" items, in run order,
// each marked by the account's state now. So the queue survives the round trip through eBay (and a new
// browser, and a restart): coming back to /recreate-queue?run=<id> shows what is fixed and what is left.

export type RecreateQueueEntry = {
  accountId: string;
  accountName: string;
  /** Why the run found it needing re-authorization. */
  cause: string | null;
  /** recreated: healthy now; remaining: still to do; gone: disconnected since. */
  state: "recreated" | "remaining" | "gone";
  status: string;
  statusCause: string | null;
  /** Which tokens its Re-create renews: the OAuth grant, the Auth'n'Auth token, or both in one pass. */
  tokens: "oauth" | "authnauth" | "both";
};

export type RecreateQueue = { runId: string; entries: RecreateQueueEntry[] };

export async function loadRecreateQueue(client: Db, workspaceId: string, runId: string): Promise<RecreateQueue | null> {
  const run = await client.checkRun.findFirst({ where: { id: runId, workspaceId }, select: { id: true } });
  if (!run) return null;
  const items = await client.checkRunItem.findMany({
    where: { runId, status: "done", verdict: "needs_reauth" },
    orderBy: [{ id: "asc" }],
    select: { accountId: true, accountName: true, cause: true },
  });
  const accounts = await client.ebayAccount.findMany({
    where: { workspaceId, id: { in: items.map((item) => item.accountId) } },
    select: { id: true, status: true, statusCause: true, nickname: true, ebayUsername: true, ebayUserId: true, refreshTokenExpiresAt: true, authNAuthExpiresAt: true },
  });
  const byId = new Map(accounts.map((account) => [account.id, account]));
  return {
    runId,
    entries: items.map((item) => {
      const account = byId.get(item.accountId);
      const state = !account || account.status === "disconnected" ? "gone" : account.status === "healthy" ? "recreated" : "remaining";
      return {
        accountId: item.accountId,
        accountName: account ? accountDisplayName(account) : item.accountName,
        cause: item.cause,
        state,
        status: account?.status ?? "disconnected",
        statusCause: account?.statusCause ?? null,
        tokens: !account?.authNAuthExpiresAt ? "oauth" : account.refreshTokenExpiresAt ? "both" : "authnauth",
      };
    }),
  };
}
