import { apiRoute } from "@/lib/api/handler";
import { listAccountsQuery } from "@/lib/api/schemas";
import { listAccountsV1 } from "@/lib/api/v1";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ name: "listAccounts", scope: "accounts:read", query: listAccountsQuery }, ({ key, query }) => listAccountsV1(key.workspaceId, query));
