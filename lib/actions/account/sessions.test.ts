// Security review, finding 10: a stolen session cookie used to live its full 7 days. Sessions now carry the user's
// session version, checked against the database on every request; "sign out everywhere", a password change and a
// password reset by email each raise it, which ends every session at once. Sessions are made by next-auth's own
// callbacks (lib/auth/options.ts) as at sign-in; only the cookie transport is replaced.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Session } from "next-auth";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { startSmtpServer, type SmtpTestServer } from "@/test/support/smtp-server";

const browser = vi.hoisted(() => ({ session: null as Session | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => browser.session,
}));
vi.mock("next/headers", () => ({
  cookies: async () => ({ get: () => undefined, getAll: () => [] }),
  headers: async () => new Headers({ "x-forwarded-for": "192.0.2.60" }),
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const EMAIL = "pat@example.com";
let database: TestDatabase;
let smtp: SmtpTestServer;
let userId = "";

beforeAll(async () => {
  database = await createTestDatabase();
  smtp = await startSmtpServer();
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    SMTP_URL: smtp.url,
    ALERT_EMAIL_FROM: "ChannelKeys <alerts@channelkeys.test>",
    NEXTAUTH_URL: "https://app.channelkeys.test",
  });
  const { registerUser } = await import("@/lib/auth/sign-up");
  const created = await registerUser({ name: "Pat", email: EMAIL, password: "first-password-1" }, { client: database.db });
  if (!created.ok) throw new Error(created.error);
  userId = created.user.id;
});
afterAll(async () => {
  for (const name of ["SMTP_URL", "ALERT_EMAIL_FROM", "NEXTAUTH_URL"]) delete process.env[name];
  await smtp?.close();
  await database?.cleanup();
});
beforeEach(async () => {
  await database.db.rateLimitBucket.deleteMany();
  smtp.clear();
  const { setClockOffsetSeconds } = await import("@/lib/clock");
  setClockOffsetSeconds(0);
});

/** A sign-in as the sign-in form does it: the credentials check, then next-auth's jwt and session callbacks. */
async function signIn(password: string): Promise<Session> {
  const { authOptions, authorizeEmailAndPassword } = await import("@/lib/auth/options");
  const user = await authorizeEmailAndPassword({ email: EMAIL, password }, { headers: { "x-forwarded-for": "192.0.2.60" } });
  const token = await authOptions.callbacks!.jwt!({ token: { sub: user.id }, user, account: null, trigger: "signIn" } as never);
  return authOptions.callbacks!.session!({ session: { user: { email: EMAIL }, expires: "2999-01-01T00:00:00.000Z" }, token } as never) as Promise<Session>;
}

/** Who the app sees for a request carrying this session. */
async function whoIs(session: Session): Promise<string | null> {
  browser.session = session;
  const { getSessionUser } = await import("@/lib/auth/session");
  return (await getSessionUser())?.id ?? null;
}

async function as(session: Session | null) {
  browser.session = session;
}

describe("ending sessions", () => {
  it("sign out everywhere ends every session of the user at once, the one that asked included", async () => {
    const laptop = await signIn("first-password-1");
    const stolen = await signIn("first-password-1");
    expect(await whoIs(laptop)).toBe(userId);
    expect(await whoIs(stolen)).toBe(userId);

    await as(laptop);
    const { signOutEverywhereAction } = await import("@/lib/actions/account/sign-out-everywhere");
    expect(await signOutEverywhereAction({})).toMatchObject({ ok: true });
    expect(await whoIs(stolen)).toBeNull();
    expect(await whoIs(laptop)).toBeNull();
    // Signing in again gives a session that works.
    expect(await whoIs(await signIn("first-password-1"))).toBe(userId);
  });

  it("a password change ends every session; only the new password signs in", async () => {
    const here = await signIn("first-password-1");
    const elsewhere = await signIn("first-password-1");
    await as(here);
    const { changePasswordAction } = await import("@/lib/actions/account/change-password");
    expect(await changePasswordAction({ currentPassword: "wrong-guess", newPassword: "second-password-2" })).toMatchObject({ ok: false, code: "invalid_input" });
    expect(await whoIs(elsewhere)).toBe(userId);
    await as(here);
    expect(await changePasswordAction({ currentPassword: "first-password-1", newPassword: "second-password-2" })).toMatchObject({ ok: true });
    expect(await whoIs(elsewhere)).toBeNull();
    await expect(signIn("first-password-1")).rejects.toThrow(/incorrect/);
    expect(await whoIs(await signIn("second-password-2"))).toBe(userId);
  });

  it("a password reset by email: one link, single use, for 30 minutes, ending every session", async () => {
    const session = await signIn("second-password-2");
    await as(null);
    const { requestPasswordResetAction } = await import("@/lib/actions/account/request-password-reset");
    const { resetPasswordAction } = await import("@/lib/actions/account/reset-password");
    const sent = await requestPasswordResetAction({ email: "PAT@example.com" });
    // Unknown addresses get the same answer and no mail: the form tells nobody who has an account.
    expect(await requestPasswordResetAction({ email: "nobody@example.com" })).toEqual(sent);
    const mail = await smtp.waitForMail((candidate) => candidate.to.includes(EMAIL));
    expect(smtp.messages).toHaveLength(1);
    const link = /https:\/\/app\.channelkeys\.test\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(mail.text);
    expect(link).not.toBeNull();
    const token = link![1]!;

    expect(await resetPasswordAction({ token, password: "third-password-3" })).toMatchObject({ ok: true });
    expect(await whoIs(session)).toBeNull();
    expect(await whoIs(await signIn("third-password-3"))).toBe(userId);
    // Used once: the same link does nothing again.
    await as(null);
    expect(await resetPasswordAction({ token, password: "fourth-password-4" })).toMatchObject({ ok: false, code: "invalid_link" });

    // A new link, 31 minutes later, has expired.
    smtp.clear();
    await requestPasswordResetAction({ email: EMAIL });
    const second = await smtp.waitForMail((candidate) => candidate.to.includes(EMAIL));
    const late = /reset-password\?token=([A-Za-z0-9_-]+)/.exec(second.text)![1]!;
    const { setClockOffsetSeconds } = await import("@/lib/clock");
    setClockOffsetSeconds(31 * 60);
    expect(await resetPasswordAction({ token: late, password: "fourth-password-4" })).toMatchObject({ ok: false, code: "invalid_link" });
    expect(await database.db.passwordResetToken.count({ where: { userId, usedAt: null } })).toBe(1);
  });
});
