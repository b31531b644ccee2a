import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

// End-to-end tests run the production build against the eBay emulator over HTTP, on ports of their
// own so a running `npm start` (3000/4010) is never touched. E2E_APP_PORT / E2E_EMULATOR_PORT and
// NEXT_DIST_DIR let two checkouts' suites run side by side on one machine.
const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
const emulatorPort = Number(process.env.E2E_EMULATOR_PORT ?? 4011);
const appUrl = `http://localhost:${appPort}`;
const emulatorUrl = `http://localhost:${emulatorPort}`;
const callbackUrl = `${appUrl}/api/ebay/callback`;
// The local SMTP server that catches the app's warning emails (test/support/smtp-capture-server.ts); its HTTP
// API for specs listens on the next port. Derived from the app port so parallel suites never collide.
// Two ports per app port (SMTP, then its capture API), so neighbouring app ports never collide.
const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 2525 + 2 * (appPort - 3100));
// One test clock for the app and the emulator: the emulator writes its virtual-clock offset to this file (reset to 0
// when it starts and on /__emulator/reset) and the app's lib/clock.ts reads it. One file per app port.
const sharedClockFile = path.resolve(__dirname, ".data", `e2e-clock-${appPort}.json`);
// eBay's notifications reach the app the way eBay would: the emulator sends account deletions, revocations
// (AUTHORIZATION_REVOCATION) and Platform Notifications (TokenRevocation) to the app's one endpoint, validating it with
// the challenge first; the app answers the challenge with the same token and URL.
const notificationEndpoint = `${appUrl}/api/ebay/notifications`;
const notificationVerificationToken = "channelkeys-e2e-notification-verification-token";

function databaseOnServer(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

const sharedEnv = {
  NEXT_TELEMETRY_DISABLED: "1",
  EBAY_EMULATOR_PORT: String(emulatorPort),
  EBAY_EMULATOR_URL: emulatorUrl,
  EBAY_EMULATOR_ACCEPT_URL: callbackUrl,
  EBAY_EMULATOR_DECLINE_URL: callbackUrl,
  EBAY_EMULATOR_CLOCK_FILE: sharedClockFile,
  CHANNELKEYS_SHARED_CLOCK_FILE: sharedClockFile,
};

const emulatorNotificationEnv = {
  EBAY_EMULATOR_NOTIFICATION_ENDPOINT: notificationEndpoint,
  EBAY_EMULATOR_NOTIFICATION_VERIFICATION_TOKEN: notificationVerificationToken,
  EBAY_EMULATOR_AUTHORIZATION_REVOCATION_ENDPOINT: notificationEndpoint,
  EBAY_EMULATOR_AUTHORIZATION_REVOCATION_VERIFICATION_TOKEN: notificationVerificationToken,
  EBAY_EMULATOR_PLATFORM_NOTIFICATION_ENDPOINT: notificationEndpoint,
};

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Each port pair gets its own artifacts folder: Playwright empties it when a run starts.
  outputDir: appPort === 3100 ? "test-results" : `test-results-${appPort}`,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: appUrl,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
          ],
        },
      },
    },
  ],
  webServer: [
    {
      command: "node_modules/.bin/tsx test/support/smtp-capture-server.ts",
      url: `http://127.0.0.1:${smtpPort + 1}/health`,
      env: { E2E_SMTP_PORT: String(smtpPort) },
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "node_modules/.bin/tsx emulator/src/main.ts",
      url: `${emulatorUrl}/__emulator/health`,
      env: { ...sharedEnv, ...emulatorNotificationEnv, EBAY_EMULATOR_HOST: "127.0.0.1" },
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "node_modules/.bin/tsx scripts/serve.ts --no-emulator --fresh-database",
      url: `${appUrl}/api/health`,
      env: {
        ...sharedEnv,
        PORT: String(appPort),
        // TEST_DATABASE_URL: a PostgreSQL server of your own (a database per app port on it); otherwise an embedded
        // PostgreSQL of the suite's own in .data/e2e-<port>. Either way the database starts empty each run.
        ...(process.env.TEST_DATABASE_URL
          ? { DATABASE_URL: databaseOnServer(process.env.TEST_DATABASE_URL, `channelkeys_e2e_${appPort}`) }
          : { CHANNELKEYS_DATA_DIR: `.data/e2e-${appPort}`, EMBEDDED_POSTGRES_PORT: String(55_100 + (appPort - 3100)) }),
        NEXTAUTH_URL: appUrl,
        EBAY_NOTIFICATION_ENDPOINT_URL: notificationEndpoint,
        EBAY_NOTIFICATION_VERIFICATION_TOKEN: notificationVerificationToken,
        // Every spec signs up fresh users from this one machine.
        SIGN_UP_LIMIT_PER_IP_PER_HOUR: "1000",
        // Upkeep: only the warnings sweep (a check that changes a state queues its evaluation within a second, so a
        // warning email arrives within a spec); the checks sweep stays off so no background Test changes another
        // spec's accounts (or spends emulator calls).
        WARNING_EVALUATION_DELAY_MS: "500",
        UPKEEP_SWEEPS: "warnings",
        // The specs' receivers listen on this machine: private webhook targets are opened here explicitly (an
        // install never gets them from running against the emulator).
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: "1",
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        ALERT_EMAIL_FROM: "ChannelKeys <alerts@channelkeys.test>",
      },
      reuseExistingServer: false,
      timeout: 240_000,
      stdout: "pipe",
      stderr: "pipe",
    },
  ],
});
