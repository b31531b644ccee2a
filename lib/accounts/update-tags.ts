import "server-only";
// Setting tags, on one account or many at once. Each account's change is a compare-and-set on its current tags, so
// two people tagging at once never lose each other's change silently: the loser's write re-reads and applies its
// own add/remove on top of what is there now. Every account whose tags changed gets one history line.
import type { Db } from "@/lib/db";
import { recordAuditEvent } from "@/lib/audit/record";
import { accountDisplayName } from "@/lib/accounts/account-name";
import { MAX_TAGS_PER_ACCOUNT } from "@/lib/accounts/tags";
import { UserFacingError } from "@/lib/actions/user-facing-error";
import type { Actor } from "@/lib/accounts/test-account";

export type TagChange = { set: string[] } | { add: string[]; remove: string[] };

const ATTEMPTS = 5;

function applyChange(current: string[], change: TagChange): string[] {
  if ("set" in change) return [...new Set(change.set)].sort();
  const next = new Set(current);
  for (const tag of change.add) next.add(tag);
  for (const tag of change.remove) next.delete(tag);
  return [...next].sort();
}

/** Applies the change to each account of the workspace; returns how many changed. Unknown ids are refused. */
export async function updateAccountTags(
  db: Db,
  input: { workspaceId: string; accountIds: string[]; change: TagChange; actor: Actor },
): Promise<{ changed: number }> {
  const ids = [...new Set(input.accountIds)];
  const found = await db.ebayAccount.count({ where: { workspaceId: input.workspaceId, id: { in: ids } } });
  if (found !== ids.length) throw new UserFacingError("Some of those accounts are not in this workspace. Reload the page and try again.", "not_found");
  let changed = 0;
  for (const id of ids) {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const account = await db.ebayAccount.findFirst({
        where: { id, workspaceId: input.workspaceId },
        select: { id: true, tags: true, nickname: true, ebayUsername: true, ebayUserId: true },
      });
      if (!account) break;
      const current = [...account.tags].sort();
      const next = applyChange(current, input.change);
      if (next.length > MAX_TAGS_PER_ACCOUNT) {
        throw new UserFacingError(`${accountDisplayName(account)} would have more than ${MAX_TAGS_PER_ACCOUNT} tags.`, "too_many_tags");
      }
      if (next.join(",") === current.join(",")) break;
      const written = await db.$transaction(async (transaction) => {
        const updated = await transaction.ebayAccount.updateMany({
          where: { id, workspaceId: input.workspaceId, tags: { equals: account.tags } },
          data: { tags: next },
        });
        if (updated.count !== 1) return false;
        await recordAuditEvent(transaction, {
          workspaceId: input.workspaceId,
          actorUserId: input.actor.userId,
          actorLabel: input.actor.label,
          accountId: id,
          accountName: accountDisplayName(account),
          action: "account_tags_update",
          outcome: "success",
          detail: next.length > 0 ? `Tags: ${next.join(", ")}.` : "All tags removed.",
          changes: { tags: [current, next] },
        });
        return true;
      });
      if (written) {
        changed += 1;
        break;
      }
    }
  }
  return { changed };
}

/** Every tag used in the workspace, for filters and suggestions. */
export async function workspaceTags(db: Db, workspaceId: string): Promise<string[]> {
  const rows = await db.$queryRaw<{ tag: string }[]>`
    SELECT DISTINCT unnest("tags") AS tag FROM "EbayAccount" WHERE "workspaceId" = ${workspaceId} ORDER BY tag`;
  return rows.map((row) => row.tag);
}
