import "server-only";
// Workspace API keys. A key is `ck_<prefix>_<secret>`: the prefix (shown in the dashboard and the history) finds the
// row, the SHA-256 of the whole key proves it. The key itself is returned once, by createApiKey, and stored nowhere.
// A key with 256 random bits needs no slow hash: nobody can guess it, so a fast hash of it is as good as a password
// hash of a weak one, and checking it costs nothing per request.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "@/lib/db";
import { now } from "@/lib/clock";
import { recordAuditEvent } from "@/lib/audit/record";
import { UserFacingError } from "@/lib/actions/user-facing-error";
import type { ApiKeyScope } from "@/lib/api-keys/scopes";

const KEY_PATTERN = /^ck_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
/** How stale lastUsedAt may get: one write per key per minute, however many requests it makes. */
const LAST_USED_RESOLUTION_MS = 60_000;

export type Actor = { userId: string | null; label: string };

export type AuthenticatedKey = { id: string; workspaceId: string; name: string; prefix: string; scopes: ApiKeyScope[] };

function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function apiKeyLabel(key: { name: string; prefix: string }): string {
  return `API key "${key.name}" (${key.prefix})`;
}

export async function createApiKey(
  db: Db,
  input: { workspaceId: string; name: string; scopes: ApiKeyScope[]; expiresInDays: number | null; actor: Actor },
): Promise<{ id: string; key: string; prefix: string }> {
  const prefixHex = randomBytes(6).toString("hex");
  const key = `ck_${prefixHex}_${randomBytes(32).toString("base64url")}`;
  const prefix = `ck_${prefixHex}`;
  const expiresAt = input.expiresInDays === null ? null : new Date(now().getTime() + input.expiresInDays * 86_400_000);
  const scopes = [...new Set(input.scopes)].sort();
  const created = await db.$transaction(async (transaction) => {
    const row = await transaction.apiKey.create({
      data: {
        workspaceId: input.workspaceId,
        name: input.name,
        prefix,
        keyHash: hashKey(key),
        scopes,
        expiresAt,
        createdById: input.actor.userId,
        createdByLabel: input.actor.label,
        createdAt: now(),
      },
      select: { id: true },
    });
    await recordAuditEvent(transaction, {
      workspaceId: input.workspaceId,
      actorUserId: input.actor.userId,
      actorLabel: input.actor.label,
      action: "api_key_create",
      outcome: "success",
      detail: `Created ${apiKeyLabel({ name: input.name, prefix })} with ${scopes.join(", ")}${expiresAt ? `, expiring ${expiresAt.toISOString().slice(0, 10)}` : ", no expiry"}.`,
      changes: { apiKey: [null, { prefix, name: input.name, scopes, expiresAt: expiresAt?.toISOString() ?? null }] },
    });
    return row;
  });
  return { id: created.id, key, prefix };
}

/** Revokes a key of the workspace; revoking twice is a no-op. False when the key is not the workspace's. */
export async function revokeApiKey(db: Db, input: { workspaceId: string; apiKeyId: string; actor: Actor }): Promise<boolean> {
  const key = await db.apiKey.findFirst({ where: { id: input.apiKeyId, workspaceId: input.workspaceId } });
  if (!key) return false;
  if (key.revokedAt) return true;
  const at = now();
  await db.$transaction(async (transaction) => {
    const revoked = await transaction.apiKey.updateMany({
      where: { id: key.id, workspaceId: input.workspaceId, revokedAt: null },
      data: { revokedAt: at },
    });
    if (revoked.count !== 1) return;
    await recordAuditEvent(transaction, {
      workspaceId: input.workspaceId,
      actorUserId: input.actor.userId,
      actorLabel: input.actor.label,
      action: "api_key_revoke",
      outcome: "success",
      detail: `Revoked ${apiKeyLabel(key)}.`,
      changes: { revokedAt: [null, at.toISOString()] },
    });
  });
  return true;
}

export type ApiKeyRejection = "missing" | "malformed" | "unknown" | "revoked" | "expired";

/** The key in an `Authorization: Bearer …` header, or why it opens nothing. */
export async function authenticateApiKey(
  db: Db,
  authorization: string | null,
): Promise<{ ok: true; key: AuthenticatedKey } | { ok: false; reason: ApiKeyRejection }> {
  const match = authorization ? /^Bearer[ ]+(\S+)\s*$/i.exec(authorization) : null;
  if (!match) return { ok: false, reason: authorization ? "malformed" : "missing" };
  const presented = match[1]!;
  const parts = KEY_PATTERN.exec(presented);
  if (!parts) return { ok: false, reason: "malformed" };
  const row = await db.apiKey.findUnique({ where: { prefix: `ck_${parts[1]}` } });
  if (!row) return { ok: false, reason: "unknown" };
  const expected = Buffer.from(row.keyHash, "hex");
  const actual = Buffer.from(hashKey(presented), "hex");
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return { ok: false, reason: "unknown" };
  const at = now();
  if (row.revokedAt) return { ok: false, reason: "revoked" };
  if (row.expiresAt && row.expiresAt.getTime() <= at.getTime()) return { ok: false, reason: "expired" };
  if (!row.lastUsedAt || at.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await db.apiKey.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(at.getTime() - LAST_USED_RESOLUTION_MS) } }] },
      data: { lastUsedAt: at },
    });
  }
  return {
    ok: true,
    key: { id: row.id, workspaceId: row.workspaceId, name: row.name, prefix: row.prefix, scopes: row.scopes as ApiKeyScope[] },
  };
}

export type ApiKeyView = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  createdByLabel: string;
};

export async function listApiKeys(db: Db, workspaceId: string): Promise<ApiKeyView[]> {
  const rows = await db.apiKey.findMany({
    where: { workspaceId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true, name: true, prefix: true, scopes: true, expiresAt: true, revokedAt: true, lastUsedAt: true, createdAt: true, createdByLabel: true },
  });
  return rows.map((row) => ({
    ...row,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  }));
}

export function assertApiKeyName(name: string): void {
  if (name.trim().length === 0) throw new UserFacingError("Give the key a name.", "invalid_input");
}
