// Short names for verdict causes, as the run summary lists them ("Revoked by the seller: 2").
// The full explanation and fix stay in lib/tokens/status-copy.ts.
const CAUSE_LABELS: Record<string, string> = {
  expired: "Refresh token expired",
  hard_expired: "Token expired (hard expiration)",
  revoked: "Revoked (eBay does not say by whom)",
  revoked_by_user: "Revoked by the seller",
  revoked_by_app: "Revoked by ChannelKeys",
  revoked_by_ebay: "Revoked by eBay (security lock)",
  password_changed: "Ended by a password change",
  scope_not_granted: "Permissions not granted",
  missing_scope: "Missing a permission",
  invalid_token: "Token no longer accepted",
  wrong_user: "Token belongs to another eBay user",
  server_error: "eBay server error",
  timeout: "eBay did not answer in time",
  network: "eBay could not be reached",
  malformed_response: "Unreadable answer from eBay",
  rate_limited: "eBay call limit reached",
  app_credentials_invalid: "ChannelKeys' application keys refused",
  disconnected: "Disconnected during the run",
  internal_error: "ChannelKeys error",
};

export function causeLabel(cause: string | null): string {
  if (!cause) return "Unknown cause";
  return CAUSE_LABELS[cause] ?? cause.replaceAll("_", " ");
}

export const RUN_STATUS_LABELS: Record<string, string> = {
  queued: "Queued",
  running: "Running",
  cancelling: "Cancelling",
  cancelled: "Cancelled",
  completed: "Completed",
};

export function isActiveRunStatus(status: string): boolean {
  return status === "queued" || status === "running" || status === "cancelling";
}
