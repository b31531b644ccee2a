import type { Metadata } from "next";
import { requireWorkspace } from "@/lib/auth/session";
import { PageHeader } from "@/components/ui/page-header";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ImportCsvForm } from "@/components/accounts/import-csv-form";

export const metadata: Metadata = { title: "Import accounts · ChannelKeys" };

export default async function ImportAccountsPage() {
  const { workspace } = await requireWorkspace("accounts:import");
  return (
    <>
      <PageHeader back={{ href: "/accounts", label: "Accounts" }} title="Import eBay accounts" description={`Workspace: ${workspace.name}`} />
      <Card className="max-w-3xl">
        <CardHeader
          title="From a CSV file"
          description="Refresh tokens from another tool: a header row with refresh_token, and optionally nickname, tags (separated by spaces) and refresh_token_expires_at. Each token is checked at eBay (refresh, then who it belongs to) before it is saved."
        />
        <CardBody>
          <ImportCsvForm />
        </CardBody>
      </Card>
    </>
  );
}
