import { buildOpenApiDocument } from "@/lib/api/openapi";
import { warningConfigFromEnv } from "@/lib/upkeep/upkeep-config";

export const dynamic = "force-dynamic";

// Public, like any API's reference: it describes the API, not a workspace.
export function GET() {
  return Response.json(buildOpenApiDocument(warningConfigFromEnv().appUrl), { headers: { "cache-control": "public, max-age=300" } });
}
