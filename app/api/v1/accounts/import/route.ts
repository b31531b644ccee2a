import { apiRoute } from "@/lib/api/handler";
import { importBody } from "@/lib/api/schemas";
import { importAccountsV1 } from "@/lib/api/v1";

export const dynamic = "force-dynamic";

export const POST = apiRoute({ name: "importAccounts", scope: "accounts:write", body: importBody }, ({ key, body, actor }) => importAccountsV1(key.workspaceId, body, actor));
