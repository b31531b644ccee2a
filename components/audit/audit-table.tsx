import { Badge, type BadgeTone } from "@/components/ui/badge";
import { DataTable, TableBody, TableHead, Td, Th, Tr } from "@/components/ui/data-table";
import { EventTime } from "@/components/audit/event-time";
import { auditAccountDisplay } from "@/lib/audit/csv";
import {
  auditActionLabel,
  auditOutcomeLabel,
  auditOutcomeTone,
  parseAuditChanges,
  type AuditOutcomeTone,
} from "@/lib/audit/labels";
import type { AuditEventRow } from "@/lib/audit/query";

const BADGE_TONES: Record<AuditOutcomeTone, BadgeTone> = {
  success: "good",
  danger: "bad",
  warning: "warn",
  neutral: "neutral",
};

type AuditTableProps = {
  events: AuditEventRow[];
  /** Current names of the workspace's accounts, for events that did not record one. */
  accountNames: ReadonlyMap<string, string>;
  /** "Now" for relative times, taken once per render so every row agrees. */
  renderedAt: Date;
};

export function AuditTable({ events, accountNames, renderedAt }: AuditTableProps) {
  return (
    <DataTable caption="Audit history, newest first">
      <TableHead>
        <tr>
          <Th>Time</Th>
          <Th>Actor</Th>
          <Th>Account</Th>
          <Th>Action</Th>
          <Th>Outcome</Th>
          <Th className="min-w-72">Detail</Th>
        </tr>
      </TableHead>
      <TableBody>
        {events.map((event) => {
          const changes = parseAuditChanges(event.changes);
          const account = auditAccountDisplay(event, accountNames);
          const currentName = event.accountId ? accountNames.get(event.accountId) : undefined;
          return (
            <Tr key={event.id}>
              <Td>
                <EventTime date={event.createdAt} reference={renderedAt} />
              </Td>
              <Td className="max-w-56 break-words">{event.actorLabel}</Td>
              <Td className="max-w-56 break-words">
                {account ? (
                  <span title={currentName && currentName !== account ? `Now called ${currentName}` : undefined}>
                    {account}
                  </span>
                ) : (
                  <span className="text-gray-400">
                    <span aria-hidden="true">—</span>
                    <span className="sr-only">No account</span>
                  </span>
                )}
              </Td>
              <Td className="whitespace-nowrap">{auditActionLabel(event.action)}</Td>
              <Td>
                <Badge tone={BADGE_TONES[auditOutcomeTone(event.outcome)]} dot>
                  {auditOutcomeLabel(event.outcome)}
                </Badge>
              </Td>
              <Td>
                {event.detail ? <p className="break-words">{event.detail}</p> : null}
                {changes.length > 0 ? (
                  <ul aria-label="Changes" className="mt-1 space-y-0.5 text-xs text-gray-600">
                    {changes.map((change) => (
                      <li key={change.field} className="break-words">
                        <span className="font-medium text-gray-700">{change.fieldLabel}:</span> {change.before}{" "}
                        <span aria-hidden="true">→</span>
                        <span className="sr-only">changed to</span> {change.after}
                      </li>
                    ))}
                  </ul>
                ) : null}
                {!event.detail && changes.length === 0 ? <span className="text-gray-400">—</span> : null}
                {event.runId ? <p className="mt-1 text-xs text-gray-500">Run {event.runId}</p> : null}
              </Td>
            </Tr>
          );
        })}
      </TableBody>
    </DataTable>
  );
}
