import { apiRoute } from "@/lib/api/handler";
import { accountIdParams } from "@/lib/api/schemas";
import { testAccountV1 } from "@/lib/api/v1";

export const dynamic = "force-dynamic";

export const POST = apiRoute({ name: "testAccount", scope: "accounts:write", params: accountIdParams }, ({ key, params, actor }) =>
  testAccountV1(key.workspaceId, params.id, actor),
);
