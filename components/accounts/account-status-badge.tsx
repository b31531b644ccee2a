import { Badge } from "@/components/ui/badge";
import { describeStatus } from "@/lib/tokens/status-copy";
import type { AccountView } from "@/lib/accounts/account-view";
import { earliestTokenExpiry } from "@/lib/tokens/credentials";

export function accountStatusCopy(account: AccountView, now: string) {
  return describeStatus({
    status: account.status,
    cause: account.statusCause,
    verdictStatus: account.verdictStatus,
    verdictCause: account.verdictCause,
    // The earlier of the account's token expiries: either one ending means the seller must consent again.
    refreshTokenExpiresAt: earliestTokenExpiry({
      refreshTokenExpiresAt: account.refreshTokenExpiresAt ? new Date(account.refreshTokenExpiresAt) : null,
      authNAuthExpiresAt: account.authNAuth?.expiresAt ? new Date(account.authNAuth.expiresAt) : null,
    }),
    now: new Date(now),
  });
}

export function AccountStatusBadge({ account, now }: { account: AccountView; now: string }) {
  const copy = accountStatusCopy(account, now);
  return (
    <Badge tone={copy.tone} dot>
      {copy.label}
    </Badge>
  );
}
