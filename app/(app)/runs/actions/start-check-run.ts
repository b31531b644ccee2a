"use server";

import { z } from "zod";
import { db } from "@/lib/db";
import { now } from "@/lib/clock";
import { checkableAccountIdsInFilter } from "@/lib/accounts/list-accounts";
import { STATUS_FILTERS, STATUS_FILTER_LABELS } from "@/lib/accounts/list-view";
import { normalizeTag } from "@/lib/accounts/tags";
import { defineWorkspaceAction, UserFacingError } from "@/lib/actions/workspace-action";
import { createCheckRun, MAX_ACCOUNTS_PER_RUN } from "@/lib/checks/check-runs";
import { releaseCheckRunStart, reserveCheckRunStart } from "@/lib/checks/run-start-throttle";

const schema = z.discriminatedUnion("scope", [
  // Every connected account, resolved here so a large fleet needs no id list from the browser.
  z.object({ scope: z.literal("all") }),
  // Every account matching the accounts table's status filter, on every page, resolved here with the
  // table's own query (the browser only ever holds one page of rows).
  z.object({ scope: z.literal("filter"), status: z.enum(STATUS_FILTERS), tag: z.string().max(32).optional() }),
  // Rows the seller ticked.
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
    try {
      const accountIds = await accountIdsFor(input, workspace.id);
      return await createCheckRun(db, {
        workspaceId: workspace.id,
        actor: { userId: user.id, label: user.email },
        accountIds,
        trigger: "manual",
        filterLabel: runLabel(input),
      });
    } catch (error) {
      // A refused run (no accounts, a disconnected one...) checks nothing: it does not count.
      if (error instanceof UserFacingError) await releaseCheckRunStart(db, reservation);
      throw error;
    }
  },
);

type StartInput = z.infer<typeof schema>;

async function accountIdsFor(input: StartInput, workspaceId: string): Promise<string[]> {
  if (input.scope === "accounts") return input.accountIds;
  const filter = input.scope === "all" ? "all" : input.status;
  const tag = input.scope === "filter" && input.tag ? normalizeTag(input.tag) : null;
  const accountIds = await checkableAccountIdsInFilter(db, { workspaceId, filter, now: now(), tag });
  if (accountIds.length === 0 && input.scope === "filter") {
    throw new UserFacingError("No connected account matches this filter any more.", "empty");
  }
  return accountIds;
}

function runLabel(input: StartInput): string {
  switch (input.scope) {
    case "all":
      return "All accounts";
    case "filter":
      return input.tag ? `${STATUS_FILTER_LABELS[input.status]}, tag ${input.tag}` : STATUS_FILTER_LABELS[input.status];
    case "accounts":
      return input.filterLabel;
  }
}
