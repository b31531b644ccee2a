import { apiRoute } from "@/lib/api/handler";
import { accountIdParams } from "@/lib/api/schemas";
import { getCheckRunV1 } from "@/lib/api/v1";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ name: "getCheckRun", scope: "accounts:read", params: accountIdParams }, ({ key, params }) => getCheckRunV1(key.workspaceId, params.id));
