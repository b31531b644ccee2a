import { getEbayConfig } from "@/lib/ebay/config";
import "server-only";
// What each /api/v1 endpoint does, on top of the same lib functions the dashboard uses. Route handlers in
// app/api/v1 only bind these to lib/api/handler.ts's apiRoute (auth, rate limit, scope, zod).
import type { z } from "zod";
import { db } from "@/lib/db";
import { now } from "@/lib/clock";
import { Prisma } from "@/lib/generated/prisma/client";
import { ACCOUNT_VIEW_SELECT, toAccountView, type AccountView } from "@/lib/accounts/account-view";
import { testAccount } from "@/lib/accounts/test-account";
import { gateManualTest } from "@/lib/accounts/test-throttle";
import { issueAccessToken } from "@/lib/accounts/issue-access-token";
import { importAccounts } from "@/lib/accounts/import-accounts";
import { checkableAccountIdsInFilter } from "@/lib/accounts/list-accounts";
import { STATUS_FILTER_LABELS, type StatusFilter } from "@/lib/accounts/list-view";
import { warningDaysOf } from "@/lib/warnings/alert-settings";
import { createCheckRun, loadCheckRunView } from "@/lib/checks/check-runs";
import { releaseCheckRunStart, reserveCheckRunStart } from "@/lib/checks/run-start-throttle";
import { UserFacingError } from "@/lib/actions/user-facing-error";
import { ApiProblem } from "@/lib/api/problem";
import type { ApiActor, ApiReply } from "@/lib/api/handler";
import type { accountSchema, createCheckRunBody, importBody, listAccountsQuery } from "@/lib/api/schemas";

type ApiAccount = z.input<typeof accountSchema>;

export function toApiAccount(view: AccountView): ApiAccount {
  return {
    id: view.id,
    name: view.name,
    nickname: view.nickname,
    ebayUserId: view.ebayUserId,
    ebayUsername: view.ebayUsername,
    environment: view.environment,
    marketplaceId: view.marketplaceId,
    status: view.status as ApiAccount["status"],
    cause: view.statusCause,
    statusMessage: view.statusMessage,
    tags: view.tags,
    scopes: view.scopes,
    accessTokenExpiresAt: view.accessTokenExpiresAt,
    refreshTokenExpiresAt: view.refreshTokenExpiresAt,
    connectedAt: view.connectedAt,
    lastCheckedAt: view.lastCheckedAt,
    lastHealthyAt: view.lastHealthyAt,
    lastRefreshedAt: view.lastRefreshedAt,
    disconnectedAt: view.disconnectedAt,
  };
}

function encodeCursor(id: string): string {
  return Buffer.from(JSON.stringify({ after: id })).toString("base64url");
}

function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { after?: unknown };
    if (typeof parsed.after === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(parsed.after)) return parsed.after;
  } catch {
    // fall through
  }
  throw new ApiProblem("invalid_request", "The cursor is not one this API gave out.");
}

export async function listAccountsV1(workspaceId: string, query: z.output<typeof listAccountsQuery>): Promise<ApiReply> {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const where: Prisma.EbayAccountWhereInput = {
    workspaceId,
    ...(after ? { id: { gt: after } } : {}),
    ...(query.tag ? { tags: { has: query.tag } } : {}),
  };
  if (query.status === "expiring") {
    const warningDays = await warningDaysOf(db, workspaceId);
    Object.assign(where, { status: "healthy", refreshTokenExpiresAt: { lte: new Date(now().getTime() + warningDays * 86_400_000) } });
  } else if (query.status) {
    where.status = query.status;
  }
  // Keyset pagination on the id: stable while accounts are added, however deep the page.
  const rows = await db.ebayAccount.findMany({ where, orderBy: { id: "asc" }, take: query.limit + 1, select: ACCOUNT_VIEW_SELECT });
  const page = rows.slice(0, query.limit);
  const nextCursor = rows.length > query.limit ? encodeCursor(page[page.length - 1]!.id) : null;
  return { body: { data: page.map((row) => toApiAccount(toAccountView(row, getEbayConfig().scopes))), nextCursor } };
}

async function accountOr404(workspaceId: string, accountId: string): Promise<AccountView> {
  const row = await db.ebayAccount.findFirst({ where: { id: accountId, workspaceId }, select: ACCOUNT_VIEW_SELECT });
  // Another workspace's id gets the same answer as a missing one.
  if (!row) throw new ApiProblem("not_found", "No account with this id in the key's workspace.");
  return toAccountView(row, getEbayConfig().scopes);
}

export async function getAccountV1(workspaceId: string, accountId: string): Promise<ApiReply> {
  return { body: toApiAccount(await accountOr404(workspaceId, accountId)) };
}

function fixUrl(appUrl: string, accountId: string): string {
  return `${appUrl}/accounts/${encodeURIComponent(accountId)}`;
}

/** The dashboard's Test, with its limits: the same verdicts and causes. */
export async function testAccountV1(workspaceId: string, accountId: string, actor: ApiActor): Promise<ApiReply> {
  const account = await accountOr404(workspaceId, accountId);
  if (account.status === "disconnected") throw new ApiProblem("account_disconnected", "This account is disconnected: connect it again before testing.");
  const gate = await gateManualTest(db, { workspaceId, accountId });
  const result = gate.kind === "reused" ? gate.result : await testAccount(db, { workspaceId, accountId, actor, trigger: "manual" });
  return {
    body: {
      accountId,
      status: result.status,
      cause: result.cause,
      message: result.message,
      refreshed: result.refreshed,
      ...(result.retryAfterSeconds !== undefined ? { retryAfterSeconds: result.retryAfterSeconds } : {}),
      reused: gate.kind === "reused",
    },
  };
}

export async function accessTokenV1(workspaceId: string, accountId: string, actor: ApiActor, appUrl: string): Promise<ApiReply> {
  const result = await issueAccessToken(db, { workspaceId, accountId, actor });
  switch (result.kind) {
    case "not_found":
      throw new ApiProblem("not_found", "No account with this id in the key's workspace.");
    case "disconnected":
      throw new ApiProblem("account_disconnected", "This account is disconnected: it has no token. Connect it again.");
    case "needs_reauth":
      throw new ApiProblem("needs_reauth", `${result.accountName}: ${result.message}`, {
        cause: result.cause,
        accountId: result.accountId,
        fixUrl: fixUrl(appUrl, result.accountId),
      });
    case "ebay_unavailable":
      throw new ApiProblem("ebay_unavailable", result.message, { cause: result.cause }, { "retry-after": String(result.retryAfterSeconds) });
    case "issued":
      return {
        body: {
          accessToken: result.token.accessToken,
          expiresAt: result.token.expiresAt.toISOString(),
          scopes: result.token.scopes,
          ebayUserId: result.token.ebayUserId,
          environment: result.token.environment,
        },
      };
  }
}

export async function createCheckRunV1(workspaceId: string, body: z.output<typeof createCheckRunBody>, actor: ApiActor, appUrl: string): Promise<ApiReply> {
  const reservation = await reserveCheckRunStart(db, workspaceId);
  try {
    let accountIds = body.accountIds;
    let label: string;
    if (accountIds) {
      label = `${accountIds.length} account${accountIds.length === 1 ? "" : "s"} (API)`;
    } else {
      const filter: StatusFilter = body.status ?? "all";
      accountIds = await checkableAccountIdsInFilter(db, { workspaceId, filter, now: now(), warningDays: await warningDaysOf(db, workspaceId), tag: body.tag ?? null });
      if (accountIds.length === 0) throw new ApiProblem("invalid_request", "No connected account matches these filters.");
      label = [STATUS_FILTER_LABELS[filter], ...(body.tag ? [`tag ${body.tag}`] : [])].join(", ") + " (API)";
    }
    let runId: string;
    try {
      ({ runId } = await createCheckRun(db, { workspaceId, actor, accountIds, trigger: "manual", filterLabel: label }));
    } catch (error) {
      if (error instanceof UserFacingError && error.code !== "rate_limited") throw new ApiProblem(error.code === "not_found" ? "not_found" : "invalid_request", error.message);
      throw error;
    }
    const run = await checkRunV1Body(workspaceId, runId);
    return { status: 202, body: run, headers: { location: `${appUrl}/api/v1/check-runs/${runId}` } };
  } catch (error) {
    // A refused run checks nothing: it does not count against the workspace's starts.
    if (error instanceof ApiProblem || error instanceof UserFacingError) await releaseCheckRunStart(db, reservation);
    throw error;
  }
}

async function checkRunV1Body(workspaceId: string, runId: string) {
  const view = await loadCheckRunView(db, workspaceId, runId);
  if (!view) throw new ApiProblem("not_found", "No check run with this id in the key's workspace.");
  return {
    id: view.id,
    status: view.status,
    filterLabel: view.filterLabel,
    total: view.total,
    done: view.done,
    createdAt: view.createdAt,
    startedAt: view.startedAt,
    finishedAt: view.finishedAt,
    summary: {
      healthy: view.summary.healthy,
      needsReauth: view.summary.needsReauth,
      ebayUnavailable: view.summary.ebayUnavailable,
      notChecked: view.summary.notChecked,
      cancelled: view.summary.cancelled,
      pending: view.summary.pending,
      running: view.summary.running,
    },
    items: view.items.map((item) => ({
      accountId: item.accountId,
      accountName: item.accountName,
      status: item.status,
      verdict: item.verdict,
      cause: item.cause,
      message: item.message,
    })),
  };
}

export async function getCheckRunV1(workspaceId: string, runId: string): Promise<ApiReply> {
  return { body: await checkRunV1Body(workspaceId, runId) };
}

export async function importAccountsV1(workspaceId: string, body: z.output<typeof importBody>, actor: ApiActor): Promise<ApiReply> {
  const results = await importAccounts(db, {
    workspaceId,
    actor,
    tokens: body.tokens.map((token) => ({
      refreshToken: token.refreshToken,
      nickname: token.nickname ?? null,
      tags: token.tags,
      refreshTokenExpiresAt: token.refreshTokenExpiresAt ? new Date(token.refreshTokenExpiresAt) : null,
      scopes: token.scopes,
    })),
  });
  const out = [];
  for (const [index, result] of results.entries()) {
    if (result.ok) out.push({ index, ok: true, created: result.created, account: toApiAccount(await accountOr404(workspaceId, result.accountId)) });
    else out.push({ index, ok: false, status: result.status, cause: result.cause, message: result.message });
  }
  return { body: { results: out } };
}
