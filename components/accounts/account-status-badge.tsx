import { Badge } from "@/components/ui/badge";
import { describeStatus } from "@/lib/tokens/status-copy";
import type { AccountView } from "@/lib/accounts/account-view";

export function accountStatusCopy(account: AccountView, now: string) {
  return describeStatus({
    status: account.status,
    cause: account.statusCause,
    verdictStatus: account.verdictStatus,
    verdictCause: account.verdictCause,
    refreshTokenExpiresAt: account.refreshTokenExpiresAt ? new Date(account.refreshTokenExpiresAt) : null,
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
