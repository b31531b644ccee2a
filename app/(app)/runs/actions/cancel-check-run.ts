"use server";

import { z } from "zod";
import { db } from "@/lib/db";
import { defineWorkspaceAction, UserFacingError } from "@/lib/actions/workspace-action";
import { requestCheckRunCancel } from "@/lib/checks/check-runs";

/** Stops a run: checks already at eBay finish, the rest are not started. */
export const cancelCheckRunAction = defineWorkspaceAction(
  { schema: z.object({ runId: z.string().min(1).max(64) }), permission: "accounts:test", name: "cancelCheckRun" },
  async ({ input, user, workspace }) => {
    const cancelled = await requestCheckRunCancel(db, {
      workspaceId: workspace.id,
      runId: input.runId,
      actor: { userId: user.id, label: user.email },
    });
    if (!cancelled) throw new UserFacingError("This run has already ended (or is not in this workspace).", "not_active");
    return { runId: input.runId };
  },
);
