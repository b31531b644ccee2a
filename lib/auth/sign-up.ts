import type { z } from "zod";
import { db as defaultDb, type Db } from "@/lib/db";
import { recordAuditEvent } from "@/lib/audit/record";
import { hashPassword } from "@/lib/auth/password";
import { PasswordWorkBusy } from "@/lib/auth/password-work";
import { signUpFieldErrors, signUpSchema, type SignUpFieldErrors } from "@/lib/auth/sign-up-schema";
import { hitBucket, minutesUntilWindowEnds, type RateLimitRule } from "@/lib/auth/rate-limit";

export type SignUpInput = z.input<typeof signUpSchema>;

export const DUPLICATE_EMAIL_MESSAGE = "An account with this email address already exists. Sign in instead.";

export type SignUpResult =
  | { ok: true; user: { id: string; email: string; name: string }; workspace: { id: string; name: string } }
  | { ok: false; error: string; fieldErrors: SignUpFieldErrors };

/** Accounts one network address may create per hour: enough for an agency's team, not for a script. */
export function signUpLimitPerIp(env: Record<string, string | undefined> = process.env): RateLimitRule {
  const limit = Number(env.SIGN_UP_LIMIT_PER_IP_PER_HOUR ?? 20);
  return { limit: Number.isFinite(limit) && limit > 0 ? limit : 20, windowMs: 60 * 60_000 };
}

export function workspaceNameFor(name: string): string {
  return `${name}'s workspace`;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

/** Creates the user, their workspace and their owner membership together, or nothing. */
export async function registerUser(
  input: unknown,
  options: { client?: Db; ip?: string } = {},
): Promise<SignUpResult> {
  const client = options.client ?? defaultDb;
  const parsed = signUpSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, error: "Check the highlighted fields.", fieldErrors: signUpFieldErrors(parsed.error) };
  }
  const { name, email, password } = parsed.data;

  if (options.ip) {
    const rule = signUpLimitPerIp();
    const hit = await hitBucket(client, `sign-up:ip:${options.ip}`, rule);
    if (hit.count > rule.limit) {
      const minutes = minutesUntilWindowEnds(hit, rule);
      return {
        ok: false,
        error: `Too many accounts were created from this network. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
        fieldErrors: {},
      };
    }
  }

  const duplicate = { ok: false, error: DUPLICATE_EMAIL_MESSAGE, fieldErrors: { email: DUPLICATE_EMAIL_MESSAGE } } as const;
  if (await client.user.findUnique({ where: { email }, select: { id: true } })) return duplicate;

  let passwordHash: string;
  try {
    passwordHash = await hashPassword(password);
  } catch (error) {
    if (error instanceof PasswordWorkBusy) return { ok: false, error: error.message, fieldErrors: {} };
    throw error;
  }
  try {
    return await client.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { email, name, passwordHash }, select: { id: true, email: true, name: true } });
      const workspace = await tx.workspace.create({ data: { name: workspaceNameFor(name) }, select: { id: true, name: true } });
      await tx.membership.create({ data: { userId: user.id, workspaceId: workspace.id, role: "owner" } });
      await recordAuditEvent(tx, {
        workspaceId: workspace.id,
        actorUserId: user.id,
        actorLabel: user.email,
        action: "sign_up",
        outcome: "success",
        detail: options.ip ? `Account and workspace created (from ${options.ip}).` : "Account and workspace created.",
      });
      return { ok: true as const, user, workspace };
    });
  } catch (error) {
    // Two sign-ups racing for one email: the unique index decides, the loser hears why.
    if (isUniqueViolation(error)) return duplicate;
    throw error;
  }
}
