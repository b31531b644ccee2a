// Security review, finding 9: alert email went to any address an owner typed, through the operator's mail server.
// Now an address gets a confirmation link first and no warning until it is confirmed; every mail carries an
// unsubscribe link and List-Unsubscribe / List-Unsubscribe-Post (RFC 8058 one-click) headers; one click stops the
// mail. Real PostgreSQL, a real SMTP server on a local port, the confirm and unsubscribe actions and the one-click
// route called as a browser and a mail provider would.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { startSmtpServer, type SmtpTestServer } from "@/test/support/smtp-server";
import { warningConfigFromEnv, type WarningConfig } from "@/lib/upkeep/upkeep-config";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) =>
  (await import("@/test/support/next-auth-session")).withSignedInUser(await importOriginal(), () => session.userId, "owner@shop.test"),
);
vi.mock("next/headers", () => ({
  cookies: async () => ({ get: () => undefined }),
  headers: async () => new Headers({ "x-forwarded-for": "192.0.2.70" }),
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const APP = "https://app.channelkeys.test";
let database: TestDatabase;
let smtp: SmtpTestServer;
let workspaceId = "";
let ownerId = "";
let config: WarningConfig;
let warningCounter = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  smtp = await startSmtpServer();
  Object.assign(process.env, { DATABASE_URL: database.url, SMTP_URL: smtp.url, NEXTAUTH_URL: APP, ALERT_EMAIL_FROM: "ChannelKeys <alerts@channelkeys.test>" });
  config = { ...warningConfigFromEnv(), smtpUrl: smtp.url, appUrl: APP, emailFrom: "ChannelKeys <alerts@channelkeys.test>" };
  const owner = await database.db.user.create({ data: { email: "owner@shop.test", name: "Owner", passwordHash: "x" } });
  const workspace = await database.db.workspace.create({ data: { name: "Shop", memberships: { create: { userId: owner.id, role: "owner" } } } });
  workspaceId = workspace.id;
  ownerId = owner.id;
});
afterAll(async () => {
  for (const name of ["SMTP_URL", "NEXTAUTH_URL", "ALERT_EMAIL_FROM"]) delete process.env[name];
  await smtp?.close();
  await database?.cleanup();
});

async function raiseAndDeliver(): Promise<void> {
  const { deliverWarning } = await import("@/lib/warnings/deliver-warning");
  warningCounter += 1;
  const warning = await database.db.warning.create({
    data: { workspaceId, kind: "expiring", title: `Token expiring ${warningCounter}`, message: "m", dedupeKey: `recipients:${warningCounter}` },
  });
  await deliverWarning(database.db, { warningId: warning.id, now: new Date(), config, lastAttempt: false });
}

const warningsTo = (address: string) => smtp.messages.filter((mail) => mail.to.includes(address) && mail.subject.includes("Token expiring"));
const tokenIn = (text: string, path: string) => new RegExp(`${APP}${path}\\?token=([A-Za-z0-9._-]+)`).exec(text)?.[1];

describe("alert recipients", () => {
  it("get a confirmation link and no warning until they confirm; then warnings carry one-click unsubscribe", async () => {
    session.userId = ownerId;
    const { saveAlertSettingsAction } = await import("@/app/(app)/settings/actions/save-alert-settings");
    expect(
      await saveAlertSettingsAction({ emailRecipients: "stranger@elsewhere.test", webhookUrl: "", webhookSecret: "", warningDays: "30" }),
    ).toMatchObject({ ok: true });

    const confirmation = await smtp.waitForMail((mail) => mail.to.includes("stranger@elsewhere.test"));
    expect(confirmation.subject).toMatch(/confirm/i);
    expect(confirmation.headers["list-unsubscribe"]).toMatch(new RegExp(`^<${APP}/api/alerts/unsubscribe\\?token=`));
    expect(confirmation.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(tokenIn(confirmation.text, "/alerts/unsubscribe")).toBeDefined();

    await raiseAndDeliver();
    expect(warningsTo("stranger@elsewhere.test")).toHaveLength(0);

    session.userId = null;
    const { confirmAlertRecipientAction } = await import("@/lib/actions/alerts/confirm-recipient");
    expect(await confirmAlertRecipientAction({ token: "forged.token-that-is-long-enough" })).toMatchObject({ ok: false });
    expect(await confirmAlertRecipientAction({ token: tokenIn(confirmation.text, "/alerts/confirm") })).toMatchObject({ ok: true });

    await raiseAndDeliver();
    const [warning] = warningsTo("stranger@elsewhere.test");
    expect(warning).toBeDefined();
    expect(warning!.to).toEqual(["stranger@elsewhere.test"]);
    expect(warning!.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    const oneClick = /^<(.+)>$/.exec(warning!.headers["list-unsubscribe"]!)![1]!;
    expect(tokenIn(warning!.text, "/alerts/unsubscribe")).toBeDefined();

    // The mail provider's one-click POST (RFC 8058): no cookie, no page.
    const { POST } = await import("@/app/api/alerts/unsubscribe/route");
    const response = await POST(
      new Request(oneClick, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" }),
    );
    expect(response.status).toBe(200);
    const before = warningsTo("stranger@elsewhere.test").length;
    await raiseAndDeliver();
    expect(warningsTo("stranger@elsewhere.test")).toHaveLength(before);
  });

  it("apply to the owners a workspace falls back to before anyone is chosen", async () => {
    const other = await database.db.user.create({ data: { email: "solo@shop.test", name: "Solo", passwordHash: "x" } });
    const workspace = await database.db.workspace.create({ data: { name: "Solo", memberships: { create: { userId: other.id, role: "owner" } } } });
    const { deliverWarning } = await import("@/lib/warnings/deliver-warning");
    const warning = await database.db.warning.create({
      data: { workspaceId: workspace.id, kind: "expiring", title: "Token expiring solo", message: "m", dedupeKey: "recipients:solo" },
    });
    await deliverWarning(database.db, { warningId: warning.id, now: new Date(), config, lastAttempt: false });
    const confirmation = await smtp.waitForMail((mail) => mail.to.includes("solo@shop.test"));
    expect(confirmation.subject).toMatch(/confirm/i);
    expect(smtp.messages.filter((mail) => mail.to.includes("solo@shop.test") && mail.subject.includes("Token expiring solo"))).toHaveLength(0);
  });
});
