// The /api/v1 contract: every request is validated by these zod schemas, and GET /api/v1/openapi.json is generated
// from the same schemas (lib/api/openapi.ts), so the document cannot drift from what the server accepts.
import { z } from "zod";
import { API_KEY_SCOPES } from "@/lib/api-keys/scopes";
import { ACCOUNT_STATUSES } from "@/lib/tokens/verdict";
import { MAX_TAG_LENGTH, MAX_TAGS_PER_ACCOUNT, normalizeTag } from "@/lib/accounts/tags";

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "not an id");
const dateTime = z.iso.datetime({ offset: true });
const tag = z
  .string()
  .max(MAX_TAG_LENGTH)
  .transform((value, context) => {
    const normalized = normalizeTag(value);
    if (!normalized) {
      context.addIssue({ code: "custom", message: "letters, digits, '.', '_' and '-' only" });
      return z.NEVER;
    }
    return normalized;
  })
  .meta({ description: "A tag: lower case letters, digits, '.', '_' and '-'.", example: "agency-a" });

export const ACCOUNT_STATUS_FILTERS = [...ACCOUNT_STATUSES, "expiring"] as const;

export const accountIdParams = z.object({ id });

export const listAccountsQuery = z
  .object({
    status: z.enum(ACCOUNT_STATUS_FILTERS).optional().meta({ description: "Only accounts in this status (expiring: healthy, refresh token ending within the workspace's warning window)." }),
    tag: tag.optional(),
    cursor: z.string().max(200).optional().meta({ description: "nextCursor of the previous page." }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const accountSchema = z
  .object({
    id,
    name: z.string(),
    nickname: z.string().nullable(),
    ebayUserId: z.string(),
    ebayUsername: z.string().nullable(),
    environment: z.string().meta({ description: "production, sandbox or emulated" }),
    marketplaceId: z.string().nullable(),
    status: z.enum(ACCOUNT_STATUSES),
    cause: z.string().nullable().meta({ description: "Why the account needs re-authorization or eBay is unavailable." }),
    statusMessage: z.string().nullable(),
    tags: z.array(z.string()),
    scopes: z.array(z.string()),
    accessTokenExpiresAt: dateTime.nullable(),
    refreshTokenExpiresAt: dateTime.nullable(),
    connectedAt: dateTime,
    lastCheckedAt: dateTime.nullable(),
    lastHealthyAt: dateTime.nullable(),
    lastRefreshedAt: dateTime.nullable(),
    disconnectedAt: dateTime.nullable(),
  })
  .meta({ id: "Account" });

export const accountListSchema = z
  .object({ data: z.array(accountSchema), nextCursor: z.string().nullable() })
  .meta({ id: "AccountList" });

export const testResultSchema = z
  .object({
    accountId: id,
    status: z.enum(["healthy", "needs_reauth", "ebay_unavailable"]),
    cause: z.string().nullable(),
    message: z.string(),
    refreshed: z.boolean(),
    retryAfterSeconds: z.number().int().optional(),
    reused: z.boolean().meta({ description: "True when the per-account test limit answered with the last result instead of asking eBay." }),
  })
  .meta({ id: "TestResult" });

export const accessTokenSchema = z
  .object({
    accessToken: z.string(),
    expiresAt: dateTime,
    scopes: z.array(z.string()),
    ebayUserId: z.string(),
    environment: z.string(),
  })
  .meta({ id: "AccessToken" });

export const createCheckRunBody = z
  .object({
    accountIds: z.array(id).min(1).max(5000).optional().meta({ description: "These accounts; otherwise every connected account matching status and tag." }),
    status: z.enum(ACCOUNT_STATUS_FILTERS).optional(),
    tag: tag.optional(),
  })
  .strict()
  .refine((body) => !(body.accountIds && (body.status || body.tag)), { message: "Give accountIds, or status/tag filters, not both." });

export const checkRunSchema = z
  .object({
    id,
    status: z.enum(["queued", "running", "cancelling", "cancelled", "completed"]),
    filterLabel: z.string().nullable(),
    total: z.number().int(),
    done: z.number().int(),
    createdAt: dateTime,
    startedAt: dateTime.nullable(),
    finishedAt: dateTime.nullable(),
    summary: z.object({
      healthy: z.number().int(),
      needsReauth: z.number().int(),
      ebayUnavailable: z.number().int(),
      notChecked: z.number().int(),
      cancelled: z.number().int(),
      pending: z.number().int(),
      running: z.number().int(),
    }),
    items: z.array(
      z.object({
        accountId: id,
        accountName: z.string(),
        status: z.enum(["pending", "running", "done", "cancelled"]),
        verdict: z.string().nullable(),
        cause: z.string().nullable(),
        message: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: "CheckRun" });

export const importBody = z
  .object({
    tokens: z
      .array(
        z
          .object({
            refreshToken: z.string().min(10).max(4000),
            nickname: z.string().trim().max(80).optional(),
            tags: z.array(tag).max(MAX_TAGS_PER_ACCOUNT).optional(),
            refreshTokenExpiresAt: dateTime.optional().meta({ description: "When the other tool knows it; otherwise unknown until re-created." }),
            scopes: z.array(z.string().url()).max(50).optional().meta({ description: "The scopes it was granted; default: the scopes ChannelKeys asks for." }),
          })
          .strict(),
      )
      .min(1)
      .max(100),
  })
  .strict();

export const importResultSchema = z
  .object({
    results: z.array(
      z.union([
        z.object({ index: z.number().int(), ok: z.literal(true), created: z.boolean(), account: accountSchema }),
        z.object({ index: z.number().int(), ok: z.literal(false), status: z.enum(["needs_reauth", "ebay_unavailable"]), cause: z.string(), message: z.string() }),
      ]),
    ),
  })
  .meta({ id: "ImportResult" });

export const problemSchema = z
  .object({
    type: z.string().meta({ description: "A URI naming the kind of problem." }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    cause: z.string().nullable().optional(),
    fixUrl: z.string().optional().meta({ description: "409 needs_reauth: the page that fixes the account." }),
  })
  .meta({ id: "Problem" });

export { API_KEY_SCOPES };
