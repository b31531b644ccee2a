"use server";

import { z } from "zod";
import { cookies, headers } from "next/headers";
import { db } from "@/lib/db";
import { signUpAndAcceptInvitation } from "@/lib/members/members";
import { WORKSPACE_COOKIE } from "@/lib/auth/workspace-cookie";
import { clientIpFrom } from "@/lib/auth/client-ip";
import type { ActionResult } from "@/lib/actions/action-result";
import { logUnexpectedError, unexpectedErrorMessage } from "@/lib/actions/log-unexpected-error";
import { containsNulCharacter, NUL_CHARACTER_MESSAGE } from "@/lib/http/nul-characters";
import { registerServerAction } from "@/lib/actions/workspace-action";

const schema = z.object({ token: z.string().min(1).max(100), name: z.string().max(200), password: z.string().max(1000) });

/**
 * Someone new accepts on the invitation page: their account (with the invited email) and their membership are made
 * together; the page then signs them in with the password they chose. Open to anyone: the emailed token is the proof,
 * and the account made is the invited address's (an address that already has an account signs in instead). Written
 * out rather than on definePublicAction because its refusals carry field errors.
 */
async function signUpAndAccept(rawInput: unknown): Promise<ActionResult<{ email: string; workspaceName: string }>> {
  if (containsNulCharacter(rawInput)) return { ok: false, error: NUL_CHARACTER_MESSAGE, code: "invalid_input" };
  try {
    const parsed = schema.safeParse(rawInput);
    if (!parsed.success) return { ok: false, error: "Check the highlighted fields.", code: "invalid_input" };
    const ip = clientIpFrom(await headers());
    const result = await signUpAndAcceptInvitation(db, { ...parsed.data, ip });
    if (!result.ok) return { ok: false, error: result.error, code: "invalid_input", fieldErrors: result.fieldErrors };
    (await cookies()).set(WORKSPACE_COOKIE, result.invitation.workspaceId, { httpOnly: true, sameSite: "lax", path: "/", maxAge: 365 * 86_400, secure: process.env.NEXTAUTH_URL?.startsWith("https://") ?? false });
    return { ok: true, data: { email: result.email, workspaceName: result.invitation.workspaceName } };
  } catch (error) {
    return { ok: false, error: unexpectedErrorMessage(logUnexpectedError("signUpAndAccept", error)), code: "unexpected" };
  }
}

export const signUpAndAcceptAction = registerServerAction(signUpAndAccept, "signUpAndAccept", { anyone: true });
