import type { Metadata } from "next";
import { db } from "@/lib/db";
import { requireWorkspace } from "@/lib/auth/session";
import { resolveAlertSettings } from "@/lib/warnings/alert-settings";
import { alertRecipientStatuses, type RecipientStatus } from "@/lib/warnings/alert-recipients";
import { upkeepConfigFromEnv } from "@/lib/upkeep/upkeep-config";
import { PageHeader } from "@/components/ui/page-header";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { AlertSettingsForm } from "@/components/warnings/alert-settings-form";
import { SettingsTabs } from "@/components/settings/settings-tabs";

export const metadata: Metadata = { title: "Settings · ChannelKeys" };

const RECIPIENT_STATUS_LABELS: Record<RecipientStatus, string> = {
  pending: "waiting for confirmation",
  confirmed: "confirmed",
  unsubscribed: "unsubscribed",
};

export default async function SettingsPage() {
  const { workspace, role } = await requireWorkspace("alerts:manage");
  const [stored, resolved, statuses] = await Promise.all([
    db.workspaceAlertSettings.findUnique({ where: { workspaceId: workspace.id } }),
    resolveAlertSettings(db, workspace.id),
    alertRecipientStatuses(db, workspace.id),
  ]);
  const emailConfigured = Boolean(upkeepConfigFromEnv().warnings.smtpUrl);

  return (
    <>
      <PageHeader
        back={{ href: "/notifications", label: "Notifications" }}
        title="Settings"
        description={`Workspace: ${workspace.name}`}
      />
      <SettingsTabs role={role} current="/settings" />
      <Card className="max-w-3xl">
        <CardHeader
          title="Alerts"
          description="Who hears about accounts that need re-authorization, tokens about to expire and eBay staying unreachable, and how early. Everyone sees them in the app."
        />
        <CardBody className="space-y-4">
          {!emailConfigured ? (
            <Notice tone="info" live={false}>
              Email is off on this server (SMTP_URL is not set): warnings show in the app and go to the webhook endpoints subscribed to them.
            </Notice>
          ) : null}
          <AlertSettingsForm
            initial={{
              emailRecipients: stored ? stored.emailRecipients : "",
              warningDays: resolved.warningDays,
            }}
            ownersFallback={resolved.recipientsAreOwners ? resolved.recipients : []}
          />
          {resolved.recipients.length > 0 ? (
            <section aria-labelledby="recipient-status-title" className="space-y-2">
              <h3 id="recipient-status-title" className="text-sm font-semibold text-gray-900">
                Who receives alert emails
              </h3>
              <p className="text-xs text-gray-500">
                Each address gets a confirmation link first and no alert until it is confirmed; every email has a link to unsubscribe.
              </p>
              <ul className="space-y-1 text-sm" aria-label="Confirmation state of each address">
                {resolved.recipients.map((email) => (
                  <li key={email} className="flex flex-wrap gap-x-2">
                    <span className="font-mono break-all">{email}</span>
                    <span className="text-gray-600">{RECIPIENT_STATUS_LABELS[statuses[email] ?? "pending"]}</span>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </CardBody>
      </Card>
    </>
  );
}
