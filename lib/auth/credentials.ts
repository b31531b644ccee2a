import { z } from "zod";
import { db as defaultDb, type Db } from "@/lib/db";
import { now } from "@/lib/clock";
import { verifyAgainstDummy, verifyPassword } from "@/lib/auth/password";
import { PasswordWorkBusy } from "@/lib/auth/password-work";
import { recordSignInSuccess, reserveSignInAttempt } from "@/lib/auth/rate-limit";
import { recordUserAuditEvent } from "@/lib/auth/user-audit";
import { demoAccountAllowed, isDemoEmail } from "@/lib/auth/demo-account";

export const INVALID_CREDENTIALS_MESSAGE = "Email or password is incorrect.";

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  password: z.string().min(1).max(1024),
});

export type AuthenticatedUser = { id: string; email: string; name: string; sessionVersion: number };

export type AuthenticationResult =
  | { ok: true; user: AuthenticatedUser }
  | { ok: false; code: "invalid_input" | "invalid_credentials" | "rate_limited"; message: string };

/**
 * Checks an email and password the way the sign-in form does: throttled per IP and per (email, IP) before any
 * password work,
 * timing-equalised for unknown emails, and recorded in the user's workspaces. Never logs the password.
 */
export async function authenticateWithPassword(
  input: { email: unknown; password: unknown; ip: string },
  options: { client?: Db; at?: Date } = {},
): Promise<AuthenticationResult> {
  const client = options.client ?? defaultDb;
  const at = options.at ?? now();

  const parsed = credentialsSchema.safeParse({ email: input.email, password: input.password });
  if (!parsed.success) return { ok: false, code: "invalid_input", message: "Enter your email address and password." };
  const { email, password } = parsed.data;
  // The demo's password is published: with real eBay keys it is refused like any wrong password, before any work.
  if (isDemoEmail(email) && !demoAccountAllowed()) {
    return { ok: false, code: "invalid_credentials", message: INVALID_CREDENTIALS_MESSAGE };
  }

  const user = await client.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordHash: true, sessionVersion: true },
  });

  const decision = await reserveSignInAttempt({ email, ip: input.ip }, { client, at });
  if (!decision.allowed) {
    if (user && decision.firstRefusal) {
      await recordUserAuditEvent(client, user.id, {
        actorLabel: user.email,
        action: "sign_in_failed",
        outcome: "refused",
        detail: `Sign-in refused for ${decision.retryAfterMinutes} minutes from ${input.ip} after too many attempts (limit per ${decision.limitedBy === "ip" ? "IP address" : "account and address; other addresses can still sign in"}).`,
      });
    }
    return { ok: false, code: "rate_limited", message: decision.message };
  }

  let matches: boolean;
  try {
    matches = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
  } catch (error) {
    // Too many passwords being checked at once on this server: refused before hashing, like a throttle.
    if (error instanceof PasswordWorkBusy) return { ok: false, code: "rate_limited", message: error.message };
    throw error;
  }
  if (!user) return { ok: false, code: "invalid_credentials", message: INVALID_CREDENTIALS_MESSAGE };

  if (!matches) {
    await recordUserAuditEvent(client, user.id, {
      actorLabel: user.email,
      action: "sign_in_failed",
      outcome: "failure",
      detail: `Wrong password (from ${input.ip}).`,
    });
    return { ok: false, code: "invalid_credentials", message: INVALID_CREDENTIALS_MESSAGE };
  }

  await recordSignInSuccess(decision.reservation, { client, at });
  await recordUserAuditEvent(client, user.id, {
    actorLabel: user.email,
    action: "sign_in",
    outcome: "success",
    detail: `Signed in from ${input.ip}.`,
  });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion } };
}
