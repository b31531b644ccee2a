import Link from "next/link";
import { db } from "@/lib/db";
import { listAccountsNeedingAttention } from "@/lib/warnings/warning-queries";

const SHOWN = 5;

/** On every page while warnings are unresolved: which accounts, and a link straight to each one's fix. */
export async function WarningBanner({ workspaceId }: { workspaceId: string }) {
  const accounts = await listAccountsNeedingAttention(db, workspaceId);
  if (accounts.length === 0) return null;
  const urgent = accounts.some((account) => account.kind === "needs_reauth");
  const headline = `${accounts.length} account${accounts.length === 1 ? " needs" : "s need"} attention`;
  return (
    <section
      aria-label="Accounts that need attention"
      data-testid="warning-banner"
      className={
        urgent
          ? "mb-6 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900"
          : "mb-6 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
      }
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="font-semibold">{headline}</p>
        <Link href="/notifications" className="font-medium underline underline-offset-2">
          All notifications
        </Link>
      </div>
      <ul className="mt-1 space-y-0.5">
        {accounts.slice(0, SHOWN).map((account) => (
          <li key={account.accountId}>
            <Link href={account.fixPath} className="underline underline-offset-2 hover:no-underline">
              {account.title}
            </Link>
          </li>
        ))}
        {accounts.length > SHOWN ? <li>and {accounts.length - SHOWN} more</li> : null}
      </ul>
    </section>
  );
}
