import { minimumRoleFor, type Permission, type Role } from "@/lib/auth/roles";

// Every server action of the product and who may call it, in one table. Workspace actions name the permission
// their wrapper checks (lib/actions/workspace-action.ts refuses to define one that is not listed here with the same
// permission); the others say whether a session is needed at all. lib/actions/action-table.test.ts calls every
// action as every role against the real database and checks it is allowed exactly when this table says so, and
// SECURITY.md's role table is generated from it (npm run security:roles; a test fails when the two differ).

export type ActionAccess =
  /** A workspace member whose role holds the permission. */
  | { permission: Permission }
  /** Any signed-in user, about themselves (no workspace data). */
  | { signedIn: true }
  /** Anyone, signed in or not (a link sent by email carries its own proof). */
  | { anyone: true }
  /** Only someone signed out (creating an account). */
  | { signedOut: true };

export type ServerActionEntry = { access: ActionAccess; does: string };

export const SERVER_ACTIONS = {
  startConnect: { access: { permission: "accounts:connect" }, does: "Connect an eBay account (starts eBay consent)" },
  startAuthNAuthConnect: { access: { permission: "accounts:connect" }, does: "Connect an account through Auth'n'Auth (starts the eBay sign-in)" },
  startRecreate: { access: { permission: "accounts:recreate" }, does: "Re-create an account's token (starts eBay consent)" },
  startRecreateTokens: { access: { permission: "accounts:recreate" }, does: "Re-create an account's OAuth and/or Auth'n'Auth token" },
  testAccount: { access: { permission: "accounts:test" }, does: "Test one account's token at eBay" },
  renameAccount: { access: { permission: "accounts:rename" }, does: "Set or remove an account's nickname" },
  disconnectAccount: { access: { permission: "accounts:disconnect" }, does: "Disconnect an account (deletes its tokens)" },
  setAccountTags: { access: { permission: "accounts:tag" }, does: "Set, add or remove accounts' tags" },
  importAccountsCsv: { access: { permission: "accounts:import" }, does: "Import accounts from a CSV of refresh tokens (each validated at eBay)" },
  startCheckRun: { access: { permission: "accounts:test" }, does: "Start a bulk check" },
  cancelCheckRun: { access: { permission: "accounts:test" }, does: "Cancel a bulk check" },
  saveAlertSettings: { access: { permission: "alerts:manage" }, does: "Choose alert email recipients and warning days" },
  createApiKey: { access: { permission: "api_keys:manage" }, does: "Create an API key (shown once)" },
  revokeApiKey: { access: { permission: "api_keys:manage" }, does: "Revoke an API key" },
  createWebhookEndpoint: { access: { permission: "webhooks:manage" }, does: "Add a webhook endpoint (its signing secret shown once)" },
  updateWebhookEndpoint: { access: { permission: "webhooks:manage" }, does: "Change a webhook endpoint's events, enable or disable it" },
  deleteWebhookEndpoint: { access: { permission: "webhooks:manage" }, does: "Delete a webhook endpoint" },
  redeliverWebhook: { access: { permission: "webhooks:manage" }, does: "Send a webhook delivery again" },
  createReauthLink: { access: { permission: "reauth_links:manage" }, does: "Create a re-authorization link for one account's owner" },
  revokeReauthLink: { access: { permission: "reauth_links:manage" }, does: "Revoke a re-authorization link" },
  inviteMember: { access: { permission: "members:manage" }, does: "Invite someone by email with a role" },
  revokeInvitation: { access: { permission: "members:manage" }, does: "Revoke an open invitation" },
  changeMemberRole: { access: { permission: "members:manage" }, does: "Change a member's role (only owners grant or change the owner role)" },
  removeMember: { access: { permission: "members:manage" }, does: "Remove a member (only owners remove an owner)" },
  leaveWorkspace: { access: { permission: "members:read" }, does: "Leave the workspace (not its last owner)" },
  markWarningRead: { access: { permission: "notifications:mark-read" }, does: "Mark a warning read or unread (for oneself)" },
  markAllWarningsRead: { access: { permission: "notifications:mark-read" }, does: "Mark every warning read (for oneself)" },
  switchWorkspace: { access: { signedIn: true }, does: "Open another workspace one is a member of" },
  acceptInvitation: { access: { signedIn: true }, does: "Accept an invitation sent to one's own email address" },
  signOutEverywhere: { access: { signedIn: true }, does: "End every session of one's own account" },
  changePassword: { access: { signedIn: true }, does: "Change one's own password (ends every session)" },
  requestPasswordReset: { access: { anyone: true }, does: "Ask for a password reset link by email" },
  resetPassword: { access: { anyone: true }, does: "Set a new password with an emailed link (ends every session)" },
  confirmAlertRecipient: { access: { anyone: true }, does: "Confirm an address for a workspace's alert emails (emailed link)" },
  unsubscribeAlertRecipient: { access: { anyone: true }, does: "Stop a workspace's alert emails to an address (link in every mail)" },
  startReauthLinkConsent: { access: { anyone: true }, does: "Start eBay consent from a re-authorization link (the link is the permission)" },
  signUpAndAccept: { access: { anyone: true }, does: "Create an account for the invited address and join (emailed invitation link)" },
  signUp: { access: { signedOut: true }, does: "Create an account and its workspace" },
} as const satisfies Record<string, ServerActionEntry>;

export type ServerActionName = keyof typeof SERVER_ACTIONS;

export function isServerActionName(name: string): name is ServerActionName {
  return Object.hasOwn(SERVER_ACTIONS, name);
}

/** "owner", "admin", …, or "signed in" / "signed out" / "anyone" for actions outside a workspace. */
export function minimumAccessLabel(access: ActionAccess): Role | "signed in" | "signed out" | "anyone" {
  if ("permission" in access) return minimumRoleFor(access.permission);
  if ("signedIn" in access) return "signed in";
  return "signedOut" in access ? "signed out" : "anyone";
}
