import { EBAY_THIRD_PARTY_AUTHORIZATIONS_PATH } from "@/lib/accounts/ebay-paths";

// Outcomes of redirects (eBay callback) travel as short codes in the URL; the words live here so a
// crafted link can only ever show one of our own messages. Names are shown only when they look like
// eBay usernames or nicknames.
export type Notice = { tone: "good" | "bad" | "warn" | "info"; title: string; message?: string };

const NAME_PATTERN = /^[\p{L}\p{N} ._\-'&()]{1,80}$/u;

export function noticeUrl(requestUrl: string, params: Record<string, string>, path = "/accounts"): URL {
  const url = new URL(path, requestUrl);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url;
}

function safeName(value: string | undefined | null): string | null {
  return value && NAME_PATTERN.test(value) ? value : null;
}

export function describeNotice(params: Record<string, string | string[] | undefined>): Notice | null {
  const get = (key: string) => {
    const value = params[key];
    return typeof value === "string" ? value : undefined;
  };
  const account = safeName(get("account"));
  const notice = get("notice");
  const error = get("error");
  if (notice === "connected") return { tone: "good", title: `Connected ${account ?? "the eBay account"}.` };
  if (notice === "reconnected")
    return { tone: "good", title: `${account ?? "The eBay account"} was already connected: its token has been re-created.` };
  if (notice === "recreated") return { tone: "good", title: "Token has been re-created successfully", message: account ?? undefined };
  if (notice === "recreated_authnauth")
    return { tone: "good", title: "Auth'n'Auth token has been re-created successfully", message: account ?? undefined };
  if (notice === "recreated_both")
    return { tone: "good", title: "Both tokens have been re-created successfully", message: account ? `${account}: OAuth and Auth'n'Auth.` : undefined };
  if (notice === "connected_authnauth") return { tone: "good", title: `Connected ${account ?? "the eBay account"} with an Auth'n'Auth token.` };
  if (notice === "authnauth_added") return { tone: "good", title: `Added an Auth'n'Auth token to ${account ?? "the eBay account"}.` };
  if (notice === "disconnected")
    return {
      tone: "info",
      title: `Disconnected ${account ?? "the eBay account"}.`,
      message: `Its tokens are deleted and its history is kept. To remove ChannelKeys on eBay's side too: ${EBAY_THIRD_PARTY_AUTHORIZATIONS_PATH}.`,
    };
  switch (error) {
    case undefined:
      return null;
    case "declined":
      return { tone: "warn", title: "eBay consent was declined", message: "Nothing was changed. Start again when you are ready." };
    case "wrong_account": {
      const signedInAs = safeName(get("signedInAs"));
      return {
        tone: "bad",
        title: `You signed in to eBay as ${signedInAs ?? "a different eBay user"}, not ${account ?? "this account"}`,
        message: `Nothing was overwritten. Choose "Re-create token" again and sign in to eBay as ${account ?? "the account's own user"}.`,
      };
    }
    case "state_expired":
      return { tone: "bad", title: "That eBay sign-in took longer than 10 minutes", message: "Start again from ChannelKeys." };
    case "state_reused":
      return { tone: "bad", title: "That eBay sign-in link was already used", message: "Start again from ChannelKeys." };
    case "state_missing":
    case "state_unknown":
    case "state_other_user":
      return {
        tone: "bad",
        title: "That eBay sign-in was not started from this ChannelKeys session",
        message: "Nothing was changed. Start again from the Accounts page.",
      };
    case "oauth_only_recreated":
      return {
        tone: "warn",
        title: "OAuth token re-created; the Auth'n'Auth token was not",
        message: `${account ? `${account}: ` : ""}eBay could not be reached to start the Auth'n'Auth sign-in. Choose "Re-create token" again to renew the Auth'n'Auth token.`,
      };
    case "declined_authnauth":
      return {
        tone: "warn",
        title: "OAuth token re-created; the Auth'n'Auth sign-in was declined",
        message: "The Auth'n'Auth token was not changed. Choose \"Re-create token\" again when you are ready.",
      };
    case "scope_invalid":
      return {
        tone: "bad",
        title: "eBay refused the permissions ChannelKeys asked for",
        message:
          "eBay answered invalid_scope: this ChannelKeys installation asks for a permission its eBay keyset is not allowed. Nothing was changed; your ChannelKeys administrator must fix the configured scopes (EBAY_SCOPES).",
      };
    case "signin_rejected":
      return { tone: "bad", title: "eBay no longer accepts that sign-in", message: "It took longer than 5 minutes or was already used. Start again." };
    case "code_rejected":
      return { tone: "bad", title: "eBay refused the authorization code", message: "It was already used or expired. Start again." };
    case "ebay_unavailable":
      return { tone: "bad", title: "eBay could not be reached to finish the sign-in", message: "Nothing was changed. Try again in a few minutes." };
    case "app_credentials_invalid":
      return {
        tone: "bad",
        title: "eBay rejected ChannelKeys' application keys",
        message: "This is a configuration problem for your ChannelKeys administrator, not your eBay account.",
      };
    case "account_gone":
      return { tone: "bad", title: "That eBay account is no longer in this workspace" };
    default:
      return { tone: "bad", title: "The eBay sign-in could not be completed", message: "Nothing was changed. Try again." };
  }
}
