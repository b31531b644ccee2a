"use server";

import { z } from "zod";
import { db } from "@/lib/db";
import { startReauthLinkConsent } from "@/lib/reauth-links/reauth-links";
import { REAUTH_LINK_CLOSED_MESSAGES } from "@/lib/reauth-links/messages";
import { definePublicAction } from "@/lib/actions/user-action";
import { UserFacingError } from "@/lib/actions/user-facing-error";

const schema = z.object({ token: z.string().min(1).max(100) }, { error: REAUTH_LINK_CLOSED_MESSAGES.unknown });

/** The signed-out page's button: no session, the link itself is the permission. */
export const startReauthLinkConsentAction = definePublicAction({ schema, name: "startReauthLinkConsent" }, async ({ input }) => {
  const started = await startReauthLinkConsent(db, input.token);
  if (!started.ok) throw new UserFacingError(REAUTH_LINK_CLOSED_MESSAGES[started.reason], "link_closed");
  return { authorizeUrl: started.authorizeUrl };
});
