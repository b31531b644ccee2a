import type { Metadata } from "next";
import { db } from "@/lib/db";
import { requireWorkspace } from "@/lib/auth/session";
import { listWebhookEndpoints } from "@/lib/webhooks/endpoints";
import { PageHeader } from "@/components/ui/page-header";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { SettingsTabs } from "@/components/settings/settings-tabs";
import { CreateWebhookEndpointForm, WebhookEndpointCard } from "@/components/settings/webhooks-panel";

export const metadata: Metadata = { title: "Webhooks · ChannelKeys" };

export default async function WebhooksPage() {
  const { workspace, role } = await requireWorkspace("webhooks:manage");
  const endpoints = await listWebhookEndpoints(db, workspace.id);
  return (
    <>
      <PageHeader title="Webhooks" description={`Workspace: ${workspace.name}`} />
      <SettingsTabs role={role} current="/settings/webhooks" />
      <div className="max-w-5xl space-y-6">
        <Card>
          <CardHeader title="Add an endpoint" description="Each event is POSTed as JSON ({ type, timestamp, data }), retried with backoff for about a day until the endpoint answers 2xx." />
          <CardBody>
            <CreateWebhookEndpointForm />
          </CardBody>
        </Card>
        {endpoints.map((endpoint) => (
          <WebhookEndpointCard key={endpoint.id} endpoint={endpoint} />
        ))}
      </div>
    </>
  );
}
