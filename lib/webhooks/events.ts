// The connection events a webhook endpoint can subscribe to. Shared by the dashboard (client components list them),
// the zod schemas and the migration's CHECK constraint (20261129060226_teams_integrations), so it imports nothing.
export const WEBHOOK_EVENT_TYPES = [
  "account.connected",
  "account.recreated",
  "account.needs_reauth",
  "account.recovered",
  "account.expiring",
  "account.unavailable",
  "account.disconnected",
  "check_run.completed",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_EVENT_LABELS: Record<WebhookEventType, string> = {
  "account.connected": "An eBay account was connected",
  "account.recreated": "An account's token was re-created",
  "account.needs_reauth": "An account needs re-authorization",
  "account.recovered": "An account works again",
  "account.expiring": "An account's token expires soon",
  "account.unavailable": "eBay has been unreachable for an account for hours",
  "account.disconnected": "An account was disconnected",
  "check_run.completed": "A bulk check finished",
};

/** What a warning of each kind is sent as. */
export const WARNING_EVENT_TYPES = {
  needs_reauth: "account.needs_reauth",
  expiring: "account.expiring",
  unavailable: "account.unavailable",
  recovered: "account.recovered",
} as const satisfies Record<string, WebhookEventType>;

export const DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
