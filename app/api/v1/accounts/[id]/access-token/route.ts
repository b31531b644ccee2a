import { apiRoute } from "@/lib/api/handler";
import { accountIdParams } from "@/lib/api/schemas";
import { accessTokenV1 } from "@/lib/api/v1";

export const dynamic = "force-dynamic";

export const POST = apiRoute({ name: "getAccessToken", scope: "tokens:read", params: accountIdParams }, ({ key, params, actor, appUrl }) =>
  accessTokenV1(key.workspaceId, params.id, actor, appUrl),
);
