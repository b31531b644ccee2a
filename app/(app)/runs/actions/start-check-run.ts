"use server";

import { z } from "zod";
import { db } from "@/lib/db";
import { defineWorkspaceAction, UserFacingError } from "@/lib/actions/workspace-action";
import { createCheckRun, MAX_ACCOUNTS_PER_RUN } from "@/lib/checks/check-runs";
import { releaseCheckRunStart, reserveCheckRunStart } from "@/lib/checks/run-start-throttle";

const schema = z.discriminatedUnion("scope", [
  // Every connected account, resolved here so a large fleet needs no id list from the browser.
  z.object({ scope: z.literal("all") }),
  // Rows the seller ticked, or every row the current status filter shows.
  z.object({
    scope: z.literal("accounts"),
    accountIds: z.array(z.string().min(1).max(64)).min(1, "Choose at least one account to check.").max(MAX_ACCOUNTS_PER_RUN),
    filterLabel: z.string().trim().min(1).max(80),
  }),
]);

/**
 * Starts a bulk check and returns at once with the run's id; the run worker does the checking. At most
 * CHECK_RUN_START_LIMIT_PER_WORKSPACE_PER_10_MINUTES starts per workspace (lib/checks/run-start-throttle.ts).
 */
export const startCheckRunAction = defineWorkspaceAction(
  { schema, permission: "accounts:test", name: "startCheckRun" },
  async ({ input, user, workspace }) => {
    const reservation = await reserveCheckRunStart(db, workspace.id);
    const accountIds =
      input.scope === "all"
        ? (
            await db.ebayAccount.findMany({
              where: { workspaceId: workspace.id, status: { not: "disconnected" } },
              select: { id: true },
              orderBy: [{ createdAt: "asc" }, { id: "asc" }],
            })
          ).map((account) => account.id)
        : input.accountIds;
    try {
      return await createCheckRun(db, {
        workspaceId: workspace.id,
        actor: { userId: user.id, label: user.email },
        accountIds,
        trigger: "manual",
        filterLabel: input.scope === "all" ? "All accounts" : input.filterLabel,
      });
    } catch (error) {
      // A refused run (no accounts, a disconnected one...) checks nothing: it does not count.
      if (error instanceof UserFacingError) await releaseCheckRunStart(db, reservation);
      throw error;
    }
  },
);
