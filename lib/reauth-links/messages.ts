// What a re-authorization link's visitor reads. No workspace names, no people: only the state of the link.
import type { ReauthLinkRejection } from "@/lib/reauth-links/reauth-links";

export const REAUTH_LINK_CLOSED_MESSAGES: Record<ReauthLinkRejection, string> = {
  unknown: "This link is not valid. Ask whoever sent it for a new one.",
  expired: "This link has expired. Ask whoever sent it for a new one.",
  used: "This link has already been used.",
  revoked: "This link was withdrawn. Ask whoever sent it for a new one.",
  disconnected: "This account is no longer connected. Ask whoever sent the link.",
};
