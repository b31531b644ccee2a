// Every knob of background upkeep and warnings, read from the environment each time a job runs so tests and
// end-to-end runs can make it fast. Defaults are for production: upkeep every minute (the queue's cron), a check a day.

export type UpkeepSweep = "checks" | "warnings";

export type UpkeepConfig = {
  /** Which sweeps the queue's cron schedules, each once a minute across all processes (UPKEEP_SWEEPS, comma separated; default both). */
  sweeps: ReadonlySet<UpkeepSweep>;
  /** A healthy account is checked again this long after its last check (UPKEEP_CHECK_EVERY_SECONDS, default one day). */
  checkEverySeconds: number;
  /** First retry delay for a failing account; doubles with each consecutive failure (UPKEEP_RETRY_BASE_SECONDS). */
  retryBaseSeconds: number;
  /** Longest delay between checks of a failing account (UPKEEP_RETRY_MAX_SECONDS, default one day). */
  retryMaxSeconds: number;
  /** Most accounts one checks sweep starts (UPKEEP_MAX_CHECKS_PER_TICK); the rest wait for the next tick. */
  maxChecksPerTick: number;
  warnings: WarningConfig;
};

export type WarningConfig = {
  /** needs_reauth alerts once seen on this many consecutive checks (WARNING_HOLD_CHECKS, default 2)… */
  holdChecks: number;
  /** …or once it has held this long (WARNING_HOLD_SECONDS, default 15 minutes). */
  holdSeconds: number;
  /** eBay being unreachable for an account alerts only after this long (WARNING_UNAVAILABLE_HOLD_SECONDS, default 6 hours). */
  unavailableHoldSeconds: number;
  /** Expiry thresholds in days besides the workspace's warning window (default 7). */
  finalExpiryDays: number;
  /** SMTP_URL (smtp://user:pass@host:port, smtps://…); unset = no email. */
  smtpUrl: string | null;
  /** ALERT_EMAIL_FROM, e.g. "ChannelKeys <alerts@example.com>". */
  emailFrom: string;
  /** Absolute origin that fix links point at (NEXTAUTH_URL). */
  appUrl: string;
  webhookTimeoutMs: number;
};

function positiveNumber(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function parseSweeps(raw: string | undefined): ReadonlySet<UpkeepSweep> {
  const all: UpkeepSweep[] = ["checks", "warnings"];
  if (!raw?.trim()) return new Set(all);
  const wanted = raw.split(",").map((part) => part.trim());
  return new Set(all.filter((sweep) => wanted.includes(sweep)));
}

export function upkeepConfigFromEnv(env: Record<string, string | undefined> = process.env): UpkeepConfig {
  return {
    sweeps: parseSweeps(env.UPKEEP_SWEEPS),
    checkEverySeconds: positiveNumber(env, "UPKEEP_CHECK_EVERY_SECONDS", 86_400),
    retryBaseSeconds: positiveNumber(env, "UPKEEP_RETRY_BASE_SECONDS", 300),
    retryMaxSeconds: positiveNumber(env, "UPKEEP_RETRY_MAX_SECONDS", 86_400),
    maxChecksPerTick: Math.floor(positiveNumber(env, "UPKEEP_MAX_CHECKS_PER_TICK", 500)),
    warnings: warningConfigFromEnv(env),
  };
}

export function warningConfigFromEnv(env: Record<string, string | undefined> = process.env): WarningConfig {
  const smtpUrl = env.SMTP_URL?.trim();
  return {
    holdChecks: Math.floor(positiveNumber(env, "WARNING_HOLD_CHECKS", 2)),
    holdSeconds: positiveNumber(env, "WARNING_HOLD_SECONDS", 900),
    unavailableHoldSeconds: positiveNumber(env, "WARNING_UNAVAILABLE_HOLD_SECONDS", 21_600),
    finalExpiryDays: positiveNumber(env, "WARNING_FINAL_EXPIRY_DAYS", 7),
    smtpUrl: smtpUrl ? smtpUrl : null,
    emailFrom: env.ALERT_EMAIL_FROM?.trim() || "ChannelKeys <alerts@channelkeys.invalid>",
    appUrl: (env.NEXTAUTH_URL?.trim() || "http://localhost:3000").replace(/\/+$/, ""),
    webhookTimeoutMs: positiveNumber(env, "WEBHOOK_TIMEOUT_MS", 5000),
  };
}
