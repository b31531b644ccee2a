import { recordAuditEvent, type AuditEventInput } from "@/lib/audit/record";
import type { Db, DbTransaction } from "@/lib/db";

// Sign-in, sign-out and failed sign-ins belong to a person, not to one workspace: each
// workspace the person belongs to gets the entry, so every team sees who came and went.
export async function recordUserAuditEvent(
  client: Db | DbTransaction,
  userId: string,
  event: Omit<AuditEventInput, "workspaceId" | "actorUserId">,
): Promise<void> {
  const memberships = await client.membership.findMany({ where: { userId }, select: { workspaceId: true } });
  for (const membership of memberships) {
    await recordAuditEvent(client, { ...event, workspaceId: membership.workspaceId, actorUserId: userId });
  }
}
