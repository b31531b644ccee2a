"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { defineAccountAction } from "@/lib/actions/workspace-action";
import { recordAuditEvent } from "@/lib/audit/record";
import { accountDisplayName } from "@/lib/accounts/account-name";

const schema = z.object({
  accountId: z.string().min(1).max(64),
  nickname: z
    .string()
    .trim()
    .max(60, "Keep the nickname under 60 characters.")
    .transform((value) => (value === "" ? null : value)),
});

/** Nicknames are ChannelKeys' own: eBay's username and userId never change through here. */
export const renameAccountAction = defineAccountAction(
  { schema, permission: "accounts:rename", name: "renameAccount" },
  async ({ input, user, workspace, account }) => {
    if (account.nickname === input.nickname) return { nickname: input.nickname };
    await db.ebayAccount.updateMany({
      where: { id: account.id, workspaceId: workspace.id },
      data: { nickname: input.nickname },
    });
    await recordAuditEvent(db, {
      workspaceId: workspace.id,
      actorUserId: user.id,
      actorLabel: user.email,
      accountId: account.id,
      accountName: accountDisplayName({ ...account, nickname: input.nickname }),
      action: "account_rename",
      outcome: "success",
      detail: input.nickname ? `Nickname set to "${input.nickname}".` : "Nickname removed.",
      changes: { nickname: [account.nickname, input.nickname] },
    });
    revalidatePath(`/accounts/${account.id}`);
    return { nickname: input.nickname };
  },
);
