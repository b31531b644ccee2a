"use server";

import { z } from "zod";
import { cookies } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import { db } from "@/lib/db";
import { getSessionUser } from "@/lib/auth/session";
import { acceptInvitation } from "@/lib/members/members";
import { WORKSPACE_COOKIE } from "@/lib/auth/workspace-cookie";
import type { ActionResult } from "@/lib/actions/action-result";
import { SIGNED_OUT_MESSAGE, UserFacingError } from "@/lib/actions/workspace-action";
import { logUnexpectedError, unexpectedErrorMessage } from "@/lib/actions/log-unexpected-error";

const schema = z.object({ token: z.string().min(1).max(100) });

/**
 * A signed-in user accepts an invitation to a workspace they do not belong to yet: not a workspace action (the
 * workspace comes from the invitation, and the invitation must name this user's email). Opens that workspace.
 */
export async function acceptInvitationAction(rawInput: unknown): Promise<ActionResult<{ workspaceName: string }>> {
  try {
    const user = await getSessionUser();
    if (!user) return { ok: false, error: SIGNED_OUT_MESSAGE, code: "unauthenticated" };
    const parsed = schema.safeParse(rawInput);
    if (!parsed.success) return { ok: false, error: "This invitation link is not valid.", code: "invalid_input" };
    const invitation = await acceptInvitation(db, { token: parsed.data.token, user });
    (await cookies()).set(WORKSPACE_COOKIE, invitation.workspaceId, { httpOnly: true, sameSite: "lax", path: "/", maxAge: 365 * 86_400, secure: process.env.NEXTAUTH_URL?.startsWith("https://") ?? false });
    return { ok: true, data: { workspaceName: invitation.workspaceName } };
  } catch (error) {
    unstable_rethrow(error);
    if (error instanceof UserFacingError) return { ok: false, error: error.message, ...(error.code ? { code: error.code } : {}) };
    return { ok: false, error: unexpectedErrorMessage(logUnexpectedError("acceptInvitation", error)), code: "unexpected" };
  }
}
