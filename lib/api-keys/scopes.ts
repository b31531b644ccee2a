// What an API key may do. Shared by the dashboard (client components), the API's zod schemas and the migration's
// CHECK constraint (20261129060226_teams_integrations).
export const API_KEY_SCOPES = ["accounts:read", "accounts:write", "tokens:read"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const API_KEY_SCOPE_LABELS: Record<ApiKeyScope, string> = {
  "accounts:read": "Read accounts and check runs",
  "accounts:write": "Test accounts, start check runs, import tokens",
  "tokens:read": "Get access tokens",
};

/** The lifetimes offered when creating a key, in days (null = never expires). */
export const API_KEY_EXPIRY_CHOICES = [30, 90, 365, null] as const;
