"use server";

import { getEbayConfig } from "@/lib/ebay/config";
import { z } from "zod";
import { db } from "@/lib/db";
import { defineAccountAction, UserFacingError } from "@/lib/actions/workspace-action";
import { testAccount } from "@/lib/accounts/test-account";
import { gateManualTest } from "@/lib/accounts/test-throttle";
import { ACCOUNT_VIEW_SELECT, toAccountView } from "@/lib/accounts/account-view";

/**
 * The per-row "Test": refresh when needed, validate at eBay, record the verdict. Throttled per account (beyond a
 * short burst the last check's result answers) and per workspace (refused with the wait): lib/accounts/test-throttle.ts.
 */
export const testAccountAction = defineAccountAction(
  { schema: z.object({ accountId: z.string().min(1).max(64) }), permission: "accounts:test", name: "testAccount" },
  async ({ user, workspace, account }) => {
    if (account.status === "disconnected") {
      throw new UserFacingError("This account is disconnected: connect it again before testing.", "disconnected");
    }
    const gate = await gateManualTest(db, { workspaceId: workspace.id, accountId: account.id });
    const result =
      gate.kind === "reused"
        ? gate.result
        : await testAccount(db, {
            workspaceId: workspace.id,
            accountId: account.id,
            actor: { userId: user.id, label: user.email },
            trigger: "manual",
          });
    const row = await db.ebayAccount.findFirst({
      where: { id: account.id, workspaceId: workspace.id },
      select: ACCOUNT_VIEW_SELECT,
    });
    return { result, account: row ? toAccountView(row, getEbayConfig().scopes) : null };
  },
);
