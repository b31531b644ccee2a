// An eBay account may hold two credentials at once: an OAuth grant (refresh + access token) and a legacy Auth'n'Auth
// token. Each keeps its own last definite verdict (oauthStatus / authNAuthStatus); the account's status is the worse
// of the two, so every screen, filter, bulk summary and warning that reads the account's status sees a dead
// credential, whichever it is.
import type { ReauthCause } from "@/lib/tokens/verdict";

export const CREDENTIAL_STATUSES = ["unchecked", "healthy", "needs_reauth"] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];

export type CredentialKind = "oauth" | "authnauth";

export const CREDENTIAL_LABELS: Record<CredentialKind, string> = { oauth: "OAuth token", authnauth: "Auth'n'Auth token" };

export type CredentialState = { status: CredentialStatus; cause: ReauthCause | (string & {}) | null };

export type CredentialColumns = {
  refreshTokenExpiresAt: Date | null;
  oauthStatus: string | null;
  oauthCause: string | null;
  verdictStatus: string;
  verdictCause: string | null;
  authNAuthExpiresAt: Date | null;
  authNAuthStatus: string | null;
  authNAuthCause: string | null;
};

function asCredentialStatus(value: string | null | undefined): CredentialStatus {
  return value === "healthy" || value === "needs_reauth" ? value : "unchecked";
}

/**
 * Which credentials the row holds (an OAuth grant has a refresh-token expiry, an Auth'n'Auth token a hard expiry)
 * and each one's last definite verdict. A row written before credentials had verdicts of their own (or imported)
 * holds only an OAuth grant, whose verdict is then the account's.
 */
export function credentialStates(row: CredentialColumns): { oauth: CredentialState | null; authNAuth: CredentialState | null } {
  const authNAuth = row.authNAuthExpiresAt ? { status: asCredentialStatus(row.authNAuthStatus), cause: row.authNAuthCause } : null;
  const oauth = row.refreshTokenExpiresAt
    ? row.oauthStatus !== null || authNAuth
      ? { status: asCredentialStatus(row.oauthStatus), cause: row.oauthCause }
      : { status: asCredentialStatus(row.verdictStatus), cause: row.verdictCause }
    : null;
  return { oauth, authNAuth };
}

/** The account's verdict from its credentials': needs_reauth if either does (OAuth's cause first), else healthy if any is. */
export function accountVerdictOf(states: { oauth: CredentialState | null; authNAuth: CredentialState | null }): {
  verdictStatus: CredentialStatus;
  verdictCause: string | null;
} {
  const held = [states.oauth, states.authNAuth].filter((state): state is CredentialState => state !== null);
  const failing = held.find((state) => state.status === "needs_reauth");
  if (failing) return { verdictStatus: "needs_reauth", verdictCause: failing.cause ?? "invalid_token" };
  if (held.some((state) => state.status === "healthy")) return { verdictStatus: "healthy", verdictCause: null };
  return { verdictStatus: held.length === 0 ? "needs_reauth" : "unchecked", verdictCause: held.length === 0 ? "invalid_token" : null };
}

/**
 * A definite verdict on one credential, written as the row's columns: that credential's own, and the account's
 * (status, statusCause, verdictStatus, verdictCause) recomputed with the other credential as it stands.
 */
export function columnsAfterCredentialVerdict(
  row: CredentialColumns,
  credential: CredentialKind,
  state: CredentialState,
): {
  oauthStatus?: string;
  oauthCause?: string | null;
  authNAuthStatus?: string;
  authNAuthCause?: string | null;
  status: string;
  statusCause: string | null;
  verdictStatus: string;
  verdictCause: string | null;
} {
  const current = credentialStates(row);
  const next = credential === "oauth" ? { ...current, oauth: state } : { ...current, authNAuth: state };
  // A row that only now gains its first OAuth verdict of its own keeps the other credential as it was.
  const own = credential === "oauth" ? { oauthStatus: state.status, oauthCause: state.cause } : { authNAuthStatus: state.status, authNAuthCause: state.cause };
  const pinOAuth = credential === "authnauth" && current.oauth && row.oauthStatus === null ? { oauthStatus: current.oauth.status, oauthCause: current.oauth.cause } : {};
  const verdict = accountVerdictOf(next);
  return {
    ...own,
    ...pinOAuth,
    status: verdict.verdictStatus,
    statusCause: verdict.verdictCause,
    verdictStatus: verdict.verdictStatus,
    verdictCause: verdict.verdictCause,
  };
}

/**
 * When the account next needs the seller's consent whatever happens: the earlier of its OAuth refresh token's expiry
 * and its Auth'n'Auth token's hard expiry (null when it holds neither). Buckets, "expiring", sorting and the timeline
 * order go by this date; each token's own date is still shown and warned about on its own.
 */
export function earliestTokenExpiry(row: { refreshTokenExpiresAt: Date | null; authNAuthExpiresAt?: Date | null }): Date | null {
  const dates = [row.refreshTokenExpiresAt, row.authNAuthExpiresAt ?? null].filter((date): date is Date => date !== null);
  if (dates.length === 0) return null;
  return dates.reduce((a, b) => (b.getTime() < a.getTime() ? b : a));
}
