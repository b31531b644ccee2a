import type { Metadata } from "next";
import { requireWorkspace } from "@/lib/auth/session";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { warningConfigFromEnv } from "@/lib/upkeep/upkeep-config";
import { PageHeader } from "@/components/ui/page-header";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { SettingsTabs } from "@/components/settings/settings-tabs";

export const metadata: Metadata = { title: "API reference · ChannelKeys" };

type Operation = { operationId: string; summary: string; description: string; parameters: Array<{ name: string; in: string; required: boolean; description?: string }>; responses: Record<string, { description: string }> };

/** A readable page made from the same OpenAPI document GET /api/v1/openapi.json serves. */
export default async function ApiReferencePage() {
  const { role, workspace } = await requireWorkspace("members:read");
  const document = buildOpenApiDocument(warningConfigFromEnv().appUrl);
  const paths = Object.entries(document.paths) as Array<[string, Record<string, Operation>]>;
  return (
    <>
      <PageHeader title="API reference" description={`Workspace: ${workspace.name}`} />
      <SettingsTabs role={role} current="/settings/api" />
      <div className="max-w-4xl space-y-6">
        <Card>
          <CardHeader title="Overview" />
          <CardBody className="space-y-2 text-sm text-gray-800">
            <p>{document.info.description}</p>
            <p>
              Base URL: <code>{document.servers[0]!.url}</code>. Machine-readable: <a className="underline" href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).
            </p>
            <p>{document.components.securitySchemes.apiKey.description}</p>
          </CardBody>
        </Card>
        {paths.flatMap(([path, methods]) =>
          Object.entries(methods).map(([method, operation]) => (
            <Card key={`${method} ${path}`}>
              <CardHeader title={`${method.toUpperCase()} /api/v1${path}`} description={operation.summary} />
              <CardBody className="space-y-3 text-sm text-gray-800">
                <p className="whitespace-pre-line">{operation.description}</p>
                {operation.parameters.length > 0 ? (
                  <ul className="list-disc pl-5">
                    {operation.parameters.map((parameter) => (
                      <li key={parameter.name}>
                        <code>{parameter.name}</code> ({parameter.in}
                        {parameter.required ? ", required" : ""}){parameter.description ? `: ${parameter.description}` : ""}
                      </li>
                    ))}
                  </ul>
                ) : null}
                <ul className="list-disc pl-5">
                  {Object.entries(operation.responses).map(([status, response]) => (
                    <li key={status}>
                      <code>{status}</code>: {response.description}
                    </li>
                  ))}
                </ul>
              </CardBody>
            </Card>
          )),
        )}
        <Card>
          <CardHeader title="Problem types" description="Errors are application/problem+json (RFC 9457); type is one of these." />
          <CardBody>
            <ul className="list-disc pl-5 text-sm">
              {document["x-problem-types"].map((problem) => (
                <li key={problem.type} id={problem.type.split("#")[1]}>
                  <code>{problem.status}</code> {problem.title}
                </li>
              ))}
            </ul>
          </CardBody>
        </Card>
      </div>
    </>
  );
}
