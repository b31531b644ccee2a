// Scope URLs eBay publishes for OAuth. The authorize and token endpoints reject anything outside these lists with
// invalid_request / invalid_scope, which is how real eBay treats typos and scopes added after consent.

const SCOPE_BASE = "https://api.ebay.com/oauth/api_scope";

export const PUBLIC_SCOPE = SCOPE_BASE;
export const IDENTITY_SCOPE = `${SCOPE_BASE}/commerce.identity.readonly`;

const USER_SCOPE_SUFFIXES = [
  "",
  "/buy.order.readonly",
  "/buy.guest.order",
  "/sell.marketing.readonly",
  "/sell.marketing",
  "/sell.inventory.readonly",
  "/sell.inventory",
  "/sell.account.readonly",
  "/sell.account",
  "/sell.fulfillment.readonly",
  "/sell.fulfillment",
  "/sell.analytics.readonly",
  "/sell.finances",
  "/sell.payment.dispute",
  "/sell.item.draft",
  "/sell.item",
  "/sell.reputation",
  "/sell.reputation.readonly",
  "/sell.stores",
  "/sell.stores.readonly",
  "/sell.edelivery",
  "/commerce.identity.readonly",
  "/commerce.identity.email.readonly",
  "/commerce.identity.phone.readonly",
  "/commerce.identity.address.readonly",
  "/commerce.identity.name.readonly",
  "/commerce.identity.status.readonly",
  "/commerce.notification.subscription",
  "/commerce.notification.subscription.readonly",
  "/commerce.vero",
  "/commerce.catalog.readonly",
  "/commerce.message",
  "/commerce.feedback",
  "/commerce.shipping",
];

const APPLICATION_SCOPE_SUFFIXES = [
  "",
  "/buy.guest.order",
  "/buy.item.feed",
  "/buy.marketing",
  "/buy.product.feed",
  "/buy.marketplace.insights",
  "/buy.proxy.guest.order",
  "/buy.item.bulk",
  "/buy.deal",
  "/commerce.feedback.readonly",
];

export const USER_SCOPES: ReadonlySet<string> = new Set(USER_SCOPE_SUFFIXES.map((suffix) => SCOPE_BASE + suffix));
export const APPLICATION_SCOPES: ReadonlySet<string> = new Set(
  APPLICATION_SCOPE_SUFFIXES.map((suffix) => SCOPE_BASE + suffix),
);

/** The scopes ChannelKeys itself requests; the demo app is granted these by default in /__emulator/consent. */
export const PRODUCT_SCOPES = [
  PUBLIC_SCOPE,
  IDENTITY_SCOPE,
  `${SCOPE_BASE}/sell.account.readonly`,
  `${SCOPE_BASE}/sell.fulfillment.readonly`,
  `${SCOPE_BASE}/sell.inventory.readonly`,
];

/** Splits a scope parameter (already URL-decoded once) on spaces; eBay also tolerates '+' as the separator. */
export function parseScopeParameter(raw: string | null | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(/[\s+]+/)
    .map((scope) => scope.trim())
    .filter((scope) => scope.length > 0);
}
