/** Where a seller removes an app's access on eBay's own site. */
export const EBAY_THIRD_PARTY_AUTHORIZATIONS_PATH =
  "My eBay > Account > Site Preferences > Third-party authorizations";
