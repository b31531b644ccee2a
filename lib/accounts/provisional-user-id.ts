// Accounts are keyed on eBay's immutable userId, which only the OAuth side (Commerce Identity) reveals. An account
// connected with an Auth'n'Auth token alone knows the seller by EIAS token and username instead, so its key is a
// placeholder derived from the EIAS token until an OAuth consent by the same seller tells the real userId.
const PREFIX = "eias:";

export function provisionalEbayUserId(eiasToken: string): string {
  return `${PREFIX}${eiasToken}`;
}

export function isProvisionalEbayUserId(ebayUserId: string): boolean {
  return ebayUserId.startsWith(PREFIX);
}

/** eBay usernames are case-insensitive. */
export function sameEbayUsername(a: string | null | undefined, b: string | null | undefined): boolean {
  return Boolean(a && b && a.toLowerCase() === b.toLowerCase());
}
