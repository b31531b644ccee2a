import type { Metadata } from "next";
import Link from "next/link";
import { db } from "@/lib/db";
import { requireWorkspace } from "@/lib/auth/session";
import { listApiKeys } from "@/lib/api-keys/api-keys";
import { PageHeader } from "@/components/ui/page-header";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { SettingsTabs } from "@/components/settings/settings-tabs";
import { ApiKeysTable, CreateApiKeyForm } from "@/components/settings/api-keys-panel";

export const metadata: Metadata = { title: "API keys · ChannelKeys" };

export default async function ApiKeysPage() {
  const { workspace, role } = await requireWorkspace("api_keys:manage");
  const keys = await listApiKeys(db, workspace.id);
  return (
    <>
      <PageHeader title="API keys" description={`Workspace: ${workspace.name}`} />
      <SettingsTabs role={role} current="/settings/api-keys" />
      <div className="max-w-5xl space-y-6">
        <Card>
          <CardHeader title="Create an API key" description="For the REST API under /api/v1 (see the API reference). Send it as Authorization: Bearer <key>." />
          <CardBody>
            <CreateApiKeyForm />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Keys of this workspace" description={<>Only a hash of each key is stored. <Link className="underline" href="/settings/api">API reference</Link></>} />
          <ApiKeysTable keys={keys} />
        </Card>
      </div>
    </>
  );
}
