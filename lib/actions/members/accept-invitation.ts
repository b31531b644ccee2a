"use server";

import { z } from "zod";
import { cookies } from "next/headers";
import { db } from "@/lib/db";
import { acceptInvitation } from "@/lib/members/members";
import { WORKSPACE_COOKIE } from "@/lib/auth/workspace-cookie";
import { defineSignedInAction } from "@/lib/actions/user-action";

// A whole-input error (not a field's): the page shows it as the answer to its one button.
const schema = z.object({ token: z.string().min(1).max(100) }, { error: "This invitation link is not valid." });

/**
 * A signed-in user accepts an invitation to a workspace they do not belong to yet: not a workspace action (the
 * workspace comes from the invitation, and the invitation must name this user's email). Opens that workspace.
 */
export const acceptInvitationAction = defineSignedInAction({ schema, name: "acceptInvitation" }, async ({ input, user }) => {
  const invitation = await acceptInvitation(db, { token: input.token, user });
  (await cookies()).set(WORKSPACE_COOKIE, invitation.workspaceId, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: 365 * 86_400,
    secure: process.env.NEXTAUTH_URL?.startsWith("https://") ?? false,
  });
  return { workspaceName: invitation.workspaceName };
});
