import { apiRoute } from "@/lib/api/handler";
import { accountIdParams } from "@/lib/api/schemas";
import { getAccountV1 } from "@/lib/api/v1";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ name: "getAccount", scope: "accounts:read", params: accountIdParams }, ({ key, params }) => getAccountV1(key.workspaceId, params.id));
