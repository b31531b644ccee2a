"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { defineAccountAction, UserFacingError } from "@/lib/actions/workspace-action";
import { disconnectAccount } from "@/lib/accounts/disconnect-account";

export const disconnectAccountAction = defineAccountAction(
  { schema: z.object({ accountId: z.string().min(1).max(64) }), permission: "accounts:disconnect", name: "disconnectAccount" },
  async ({ user, workspace, account }) => {
    const result = await disconnectAccount(db, {
      workspaceId: workspace.id,
      accountId: account.id,
      actor: { userId: user.id, label: user.email },
    });
    if (!result) throw new UserFacingError("This account is already disconnected.", "disconnected");
    revalidatePath("/accounts");
    return result;
  },
);
