import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, auditActionLabel, auditOutcomeLabel } from "@/lib/audit/labels";
import type { AuditAccountFilter, AuditAccountOption, AuditFilterValues } from "@/lib/audit/query";

type AuditFiltersProps = {
  values: AuditFilterValues;
  accountFilter: AuditAccountFilter;
  active: boolean;
};

function accountOptionLabel(account: AuditAccountOption): string {
  if (account.fromHistoryOnly) return `${account.label} (removed)`;
  if (account.disconnected) return `${account.label} (disconnected)`;
  return account.label;
}

/**
 * A plain GET form: the filters live in the URL, so a filtered view can be bookmarked and shared,
 * and it works before (or without) JavaScript. Submitting drops the page cursor on purpose.
 */
export function AuditFilters({ values, accountFilter, active }: AuditFiltersProps) {
  const sortedActions = [...AUDIT_ACTIONS].sort((a, b) => auditActionLabel(a).localeCompare(auditActionLabel(b)));
  return (
    <form
      method="get"
      action="/audit"
      role="search"
      aria-label="Filter audit history"
      className="mb-4 grid grid-cols-1 gap-3 rounded-lg border border-gray-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-[repeat(5,minmax(0,1fr))_auto]"
    >
      <div className="space-y-1.5">
        <Label htmlFor="audit-account">Account</Label>
        {accountFilter.kind === "list" ? (
          <Select id="audit-account" name="account" defaultValue={values.account ?? ""}>
            <option value="">All accounts</option>
            {accountFilter.options.map((account) => (
              <option key={account.id} value={account.id}>
                {accountOptionLabel(account)}
              </option>
            ))}
          </Select>
        ) : (
          // A large fleet: a name or id instead of a list of every account.
          <>
            <Input
              id="audit-account"
              name="account"
              defaultValue={accountFilter.selected ? accountFilter.selected.label : ""}
              placeholder="Account name or id"
              aria-describedby="audit-account-hint"
              maxLength={128}
            />
            <p id="audit-account-hint" className="text-xs text-gray-600">
              {accountFilter.selected ? `${accountOptionLabel(accountFilter.selected)} · ${accountFilter.selected.id}` : "All accounts when empty"}
            </p>
          </>
        )}
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="audit-action">Action</Label>
        <Select id="audit-action" name="action" defaultValue={values.action ?? ""}>
          <option value="">All actions</option>
          {sortedActions.map((action) => (
            <option key={action} value={action}>
              {auditActionLabel(action)}
            </option>
          ))}
        </Select>
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="audit-outcome">Outcome</Label>
        <Select id="audit-outcome" name="outcome" defaultValue={values.outcome ?? ""}>
          <option value="">All outcomes</option>
          {AUDIT_OUTCOMES.map((outcome) => (
            <option key={outcome} value={outcome}>
              {auditOutcomeLabel(outcome)}
            </option>
          ))}
        </Select>
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="audit-from">From (UTC)</Label>
        <Input id="audit-from" name="from" type="date" defaultValue={values.from ?? ""} max={values.to} />
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="audit-to">To (UTC)</Label>
        <Input id="audit-to" name="to" type="date" defaultValue={values.to ?? ""} min={values.from} />
      </div>
      <div className="flex items-end gap-2">
        <button type="submit" className={buttonClasses({ variant: "primary" })}>
          Apply
        </button>
        {active ? (
          <Link href="/audit" className={buttonClasses({ variant: "ghost" })}>
            Clear
          </Link>
        ) : null}
      </div>
    </form>
  );
}
