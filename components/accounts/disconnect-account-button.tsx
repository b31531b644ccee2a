"use client";

import { useRouter } from "next/navigation";
import { ConfirmDialog } from "@/components/ui/dialog";
import { disconnectAccountAction } from "@/app/(app)/accounts/actions/disconnect-account";
import { EBAY_THIRD_PARTY_AUTHORIZATIONS_PATH } from "@/lib/accounts/ebay-paths";

export function DisconnectAccountButton({ accountId, accountName }: { accountId: string; accountName: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      triggerLabel="Disconnect"
      triggerSize="md"
      title={`Disconnect ${accountName}?`}
      description="ChannelKeys deletes this account's tokens and asks eBay to revoke them. Its history stays in the audit log, and you can connect it again later."
      confirmLabel="Disconnect"
      pendingLabel="Disconnecting…"
      onConfirm={async () => {
        const result = await disconnectAccountAction({ accountId });
        if (!result.ok) return result;
        router.push(`/accounts?notice=disconnected&account=${encodeURIComponent(result.data.accountName)}`);
        return result;
      }}
    >
      <p className="text-sm text-gray-700">
        Orders and listings synced with this token stop syncing. To remove ChannelKeys' access on eBay's side as well, the
        seller can go to <strong>{EBAY_THIRD_PARTY_AUTHORIZATIONS_PATH}</strong>.
      </p>
    </ConfirmDialog>
  );
}
