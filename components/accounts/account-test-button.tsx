"use client";

import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { useTestAccount } from "@/components/accounts/use-test-account";

/** "Test" on the account page: runs the check, then re-renders the page's server data. */
export function AccountTestButton({ accountId, accountName }: { accountId: string; accountName: string }) {
  const router = useRouter();
  const test = useTestAccount();
  return (
    <span className="inline-flex flex-col items-start gap-1">
      <Button
        loading={test.isPending}
        loadingLabel={`Testing ${accountName}…`}
        onClick={() => test.mutate(accountId, { onSuccess: () => router.refresh() })}
      >
        Test
      </Button>
      {test.data?.result ? (
        <span role="status" className="text-xs text-gray-700">
          {test.data.result.message}
        </span>
      ) : null}
      {test.error ? (
        <span role="alert" className="text-xs text-red-700">
          {test.error.message}
        </span>
      ) : null}
    </span>
  );
}
