/** What the seller calls this account: their nickname, else the eBay username, else eBay's user id. */
export function accountDisplayName(account: { nickname: string | null; ebayUsername: string | null; ebayUserId: string }): string {
  return account.nickname?.trim() || account.ebayUsername || account.ebayUserId;
}
