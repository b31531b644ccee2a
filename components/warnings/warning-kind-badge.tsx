import { Badge, type BadgeTone } from "@/components/ui/badge";

const KINDS: Record<string, { label: string; tone: BadgeTone }> = {
  needs_reauth: { label: "Needs re-authorization", tone: "bad" },
  unavailable: { label: "eBay unavailable", tone: "warn" },
  expiring: { label: "Expiring", tone: "warn" },
  recovered: { label: "Recovered", tone: "good" },
};

export function WarningKindBadge({ kind }: { kind: string }) {
  const copy = KINDS[kind] ?? { label: kind, tone: "neutral" as const };
  return (
    <Badge tone={copy.tone} dot>
      {copy.label}
    </Badge>
  );
}
