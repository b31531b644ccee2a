import { Badge, type BadgeTone } from "@/components/ui/badge";
import { RelativeTime } from "@/components/accounts/relative-time";
import type { AccountView, CredentialView } from "@/lib/accounts/account-view";
import { causeShortLabel } from "@/lib/tokens/status-copy";

function credentialCopy(credential: CredentialView): { label: string; tone: BadgeTone } {
  switch (credential.status) {
    case "healthy":
      return { label: "working", tone: "good" };
    case "needs_reauth":
      return { label: causeShortLabel(credential.cause), tone: "bad" };
    default:
      return { label: "not checked yet", tone: "neutral" };
  }
}

/**
 * An account's tokens, one line each, shown when the account holds an Auth'n'Auth token (with an OAuth grant alone the
 * account's status says it all): which one works and which one eBay refused, and when each ends.
 */
export function CredentialLines({ account, now }: { account: AccountView; now: string }) {
  if (!account.authNAuth || account.status === "disconnected") return null;
  const lines: Array<{ key: string; name: string; credential: CredentialView }> = [];
  if (account.oauth) lines.push({ key: "oauth", name: "OAuth token", credential: account.oauth });
  lines.push({ key: "authnauth", name: "Auth'n'Auth token", credential: account.authNAuth });
  return (
    <ul className="mt-1 space-y-0.5 text-xs text-gray-700" aria-label={`Tokens of ${account.name}`}>
      {lines.map(({ key, name, credential }) => {
        const copy = credentialCopy(credential);
        return (
          <li key={key} data-credential={key} data-credential-status={credential.status}>
            <span className="font-medium">{name}:</span>{" "}
            <Badge tone={copy.tone} className="px-1.5 py-0 text-[11px]">
              {copy.label}
            </Badge>
            {credential.expiresAt ? (
              <span className="text-gray-500">
                {" "}
                · expires <RelativeTime value={credential.expiresAt} now={now} />
              </span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

/** "Needs consent for new permissions": ChannelKeys now asks for scopes this account never granted (not an error). */
export function MissingScopesFlag({ account }: { account: AccountView }) {
  if (account.missingScopes.length === 0) return null;
  return (
    <p className="mt-1">
      <Badge tone="info" title={`Not granted yet: ${account.missingScopes.join(", ")}`}>
        Needs consent for new permissions
      </Badge>
    </p>
  );
}
