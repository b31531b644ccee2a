"use server";

import { z } from "zod";
import { cookies } from "next/headers";
import { db } from "@/lib/db";
import { defineWorkspaceAction } from "@/lib/actions/workspace-action";
import { leaveWorkspace } from "@/lib/members/members";
import { WORKSPACE_COOKIE } from "@/lib/auth/workspace-cookie";

/** Any member may leave the workspace they are in, unless they are its last owner. */
export const leaveWorkspaceAction = defineWorkspaceAction(
  { schema: z.object({}).strict(), permission: "members:read", name: "leaveWorkspace" },
  async ({ user, workspace, role }) => {
    await leaveWorkspace(db, { workspaceId: workspace.id, actor: { userId: user.id, label: user.email, role } });
    (await cookies()).delete(WORKSPACE_COOKIE);
    return { left: workspace.name };
  },
);
