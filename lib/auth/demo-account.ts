import type { Db } from "@/lib/db";
import { getEbayConfig } from "@/lib/ebay/config";

// The demo sign-in offered in emulated mode (scripts/seed-demo.ts creates it). Its password is published, so it
// may only ever exist next to the eBay emulator, where there is nothing real to protect: with eBay keys set it
// cannot sign in (lib/auth/credentials.ts), a session it still holds opens nothing (lib/auth/session.ts), and the
// start-up removes it (retireDemoAccount, run by scripts/seed-demo.ts).
export const DEMO_ACCOUNT = {
  email: "demo@channelkeys.test",
  password: "channelkeys-demo",
  name: "Demo Seller",
  workspaceName: "Demo Seller's workspace",
} as const;

type Env = Record<string, string | undefined>;

/** True only against the emulator. A broken eBay configuration counts as real: it must not open the demo. */
export function demoAccountAllowed(env: Env = process.env): boolean {
  try {
    return getEbayConfig(env).mode === "emulated";
  } catch {
    return false;
  }
}

export function isDemoEmail(email: string): boolean {
  return email.trim().toLowerCase() === DEMO_ACCOUNT.email;
}

/**
 * With real eBay keys: deletes the demo user and every workspace it leaves without members (its own, with the
 * emulated accounts in it). A workspace shared with real people keeps them and loses only the demo membership.
 */
export async function retireDemoAccount(client: Db, env: Env = process.env): Promise<{ removed: boolean; workspacesRemoved: number }> {
  if (demoAccountAllowed(env)) return { removed: false, workspacesRemoved: 0 };
  return client.$transaction(async (tx) => {
    const demo = await tx.user.findUnique({ where: { email: DEMO_ACCOUNT.email }, select: { id: true } });
    if (!demo) return { removed: false, workspacesRemoved: 0 };
    const memberships = await tx.membership.findMany({ where: { userId: demo.id }, select: { workspaceId: true } });
    await tx.user.delete({ where: { id: demo.id } });
    const orphaned = await tx.workspace.deleteMany({
      where: { id: { in: memberships.map((membership) => membership.workspaceId) }, memberships: { none: {} } },
    });
    return { removed: true, workspacesRemoved: orphaned.count };
  });
}
