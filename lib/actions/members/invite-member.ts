"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { defineWorkspaceAction } from "@/lib/actions/workspace-action";
import { createInvitation, invitationPath } from "@/lib/members/members";
import { ROLES } from "@/lib/auth/roles";
import { warningConfigFromEnv } from "@/lib/upkeep/upkeep-config";

const schema = z.object({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email({ error: "Enter a valid email address, like name@example.com." })),
  role: z.enum(ROLES, { error: "Choose a role." }),
});

/** Owners and admins invite by email; the link is returned once (copyable) and emailed when SMTP is set up. */
export const inviteMemberAction = defineWorkspaceAction(
  { schema, permission: "members:manage", name: "inviteMember" },
  async ({ input, user, workspace, role }) => {
    const appUrl = warningConfigFromEnv().appUrl;
    const created = await createInvitation(db, {
      workspaceId: workspace.id,
      workspaceName: workspace.name,
      email: input.email,
      role: input.role,
      actor: { userId: user.id, label: user.email, role },
      appUrl,
    });
    revalidatePath("/settings/members");
    return { link: `${appUrl}${invitationPath(created.token)}`, emailed: created.emailed, emailProblem: created.emailProblem, expiresAt: created.expiresAt.toISOString() };
  },
);
