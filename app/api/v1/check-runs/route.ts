import { apiRoute } from "@/lib/api/handler";
import { createCheckRunBody } from "@/lib/api/schemas";
import { createCheckRunV1 } from "@/lib/api/v1";

export const dynamic = "force-dynamic";

export const POST = apiRoute({ name: "createCheckRun", scope: "accounts:write", body: createCheckRunBody }, ({ key, body, actor, appUrl }) =>
  createCheckRunV1(key.workspaceId, body, actor, appUrl),
);
