"use server";

import { z } from "zod";
import { db } from "@/lib/db";
import type { ActionResult } from "@/lib/actions/action-result";
import { startReauthLinkConsent } from "@/lib/reauth-links/reauth-links";
import { REAUTH_LINK_CLOSED_MESSAGES } from "@/lib/reauth-links/messages";
import { logUnexpectedError, unexpectedErrorMessage } from "@/lib/actions/log-unexpected-error";

/** The signed-out page's button: no session, the link itself is the permission. */
export async function startReauthLinkConsentAction(rawInput: unknown): Promise<ActionResult<{ authorizeUrl: string }>> {
  try {
    const parsed = z.object({ token: z.string().min(1).max(100) }).safeParse(rawInput);
    if (!parsed.success) return { ok: false, error: REAUTH_LINK_CLOSED_MESSAGES.unknown, code: "invalid_input" };
    const started = await startReauthLinkConsent(db, parsed.data.token);
    if (!started.ok) return { ok: false, error: REAUTH_LINK_CLOSED_MESSAGES[started.reason], code: "link_closed" };
    return { ok: true, data: { authorizeUrl: started.authorizeUrl } };
  } catch (error) {
    return { ok: false, error: unexpectedErrorMessage(logUnexpectedError("startReauthLinkConsent", error)), code: "unexpected" };
  }
}
