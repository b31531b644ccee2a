// What the emulator knows before any request: registered apps (keysets and RuNames), seeded sellers, quotas and
// the notification endpoint. The product's own app always comes from the same EBAY_* variables the product reads,
// so one set of variables configures both sides.
import { readFileSync } from "node:fs";
import { eiasTokenFor, userIdFor } from "./tokens";

export type AccountType = "BUSINESS" | "INDIVIDUAL";
export type UserStatus = "CONFIRMED" | "UNCONFIRMED" | "ACCOUNTONHOLD" | "UNDETERMINED";

export interface RuNameConfig {
  ruName: string;
  acceptUrl: string;
  declineUrl: string;
}

export interface AppConfig {
  clientId: string;
  clientSecret: string;
  devId: string;
  ruNames: RuNameConfig[];
}

export interface SellerConfig {
  username: string;
  password: string;
  userId: string;
  eiasToken: string;
  accountType: AccountType;
  registrationMarketplaceId: string;
  status: UserStatus;
  email: string;
  firstName: string;
  lastName: string;
  businessName?: string;
  registrationDate: string;
}

export interface QuotaConfig {
  authorizationCode: number;
  refreshToken: number;
  clientCredentials: number;
  /** Per API (Trading, Identity, Developer Analytics) per app per day. */
  api: number;
  notification: number;
}

/**
 * Where the emulator sends notifications. eBay keeps these per app; the emulator has them for the product's app (the
 * first app), whose keys also sign Platform Notifications. Every endpoint here is also an allowed outbound target
 * (see notification-outbox.ts).
 */
export interface NotificationConfig {
  /** MARKETPLACE_ACCOUNT_DELETION endpoint (on eBay: set in the developer portal) and its verification token. */
  endpoint?: string;
  verificationToken?: string;
  /** Notification API destination subscribed to AUTHORIZATION_REVOCATION, and its verification token. */
  authorizationRevocationEndpoint?: string;
  authorizationRevocationVerificationToken?: string;
  /** Platform Notifications delivery URL (on eBay: ApplicationDeliveryPreferences.ApplicationURL), for TokenRevocation. */
  platformNotificationEndpoint?: string;
  /** Waits before each retry of a failed delivery, in ms; as many retries as entries. */
  retryDelaysMs?: number[];
}

/** Retries a few times, quickly enough for a demo to see the outcome, slowly enough to outlast a restart. */
export const DEFAULT_NOTIFICATION_RETRY_DELAYS_MS = [1_000, 5_000, 30_000];
const MAX_RETRY_DELAY_MS = 600_000;
const MAX_RETRIES = 10;

/** Which Trading error answers an expired OAuth access token (eBay is seen answering 932, 931 and 21917053). */
export type ExpiredIafErrorCode = 931 | 932 | 21917053;

export interface EmulatorConfig {
  apps: AppConfig[];
  sellers: SellerConfig[];
  quotas: QuotaConfig;
  notification: NotificationConfig;
  expiredIafErrorCode: ExpiredIafErrorCode;
  /** JSON file the state is saved to (demos); undefined keeps everything in memory. */
  stateFile?: string;
  /** JSON file holding the virtual clock's offset, shared with ChannelKeys (tests and demos); undefined = in memory. */
  clockFile?: string;
  /** Shown on the sign-in page so demo users know what to type. */
  showDemoHint: boolean;
  /** Lets non-loopback clients use /__emulator/ (see access.ts); off unless EBAY_EMULATOR_CONTROL_ALLOW_REMOTE=1. */
  controlAllowRemote: boolean;
}

export interface SellerInput {
  username: string;
  password?: string;
  userId?: string;
  accountType?: AccountType;
  marketplaceId?: string;
  registrationMarketplaceId?: string;
  status?: UserStatus;
  email?: string;
  firstName?: string;
  lastName?: string;
  businessName?: string;
}

export interface AppInput {
  clientId: string;
  clientSecret: string;
  devId?: string;
  ruNames?: RuNameConfig[];
  ruName?: string;
  acceptUrl?: string;
  declineUrl?: string;
}

export interface EmulatorOptions {
  /** The product's app; the demo app when omitted. */
  productApp?: Partial<{ clientId: string; clientSecret: string; devId: string; ruName: string; acceptUrl: string; declineUrl: string }>;
  extraApps?: AppInput[];
  sellers?: SellerInput[];
  /** Seeds the demo sellers too (default true). */
  includeDemoSellers?: boolean;
  quotas?: Partial<QuotaConfig>;
  notification?: NotificationConfig;
  expiredIafErrorCode?: ExpiredIafErrorCode;
  stateFile?: string;
  clockFile?: string;
  showDemoHint?: boolean;
  controlAllowRemote?: boolean;
}

export const DEMO_APP = {
  clientId: "ChannelK-ChannelK-EMU-5e0f1a2b3-4c5d6e7f",
  clientSecret: "EMU-5e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
  devId: "d3v1d-0000-4c5d-8e9f-emulated0001",
  ruName: "ChannelKeys-ChannelK-EMU-abcdefgh",
  acceptUrl: "http://localhost:3000/api/ebay/callback",
  declineUrl: "http://localhost:3000/api/ebay/callback",
} as const;

export const DEMO_PASSWORD = "password";

export const EBAY_DEFAULT_QUOTAS: QuotaConfig = {
  authorizationCode: 10_000,
  refreshToken: 50_000,
  clientCredentials: 1_000,
  api: 5_000,
  notification: 10_000,
};

const DEMO_SELLERS: SellerInput[] = [
  { username: "demo_us_store", accountType: "BUSINESS", marketplaceId: "EBAY_US", firstName: "Dana", lastName: "Reyes", businessName: "Reyes Vintage Goods LLC" },
  { username: "demo_us_jane", accountType: "INDIVIDUAL", marketplaceId: "EBAY_US", firstName: "Jane", lastName: "Miller" },
  { username: "demo_uk_traders", accountType: "BUSINESS", marketplaceId: "EBAY_GB", firstName: "Oliver", lastName: "Hughes", businessName: "Hughes & Daughters Ltd" },
  { username: "demo_de_haendler", accountType: "BUSINESS", marketplaceId: "EBAY_DE", firstName: "Lena", lastName: "Schmidt", businessName: "Schmidt Handel GmbH" },
  { username: "demo_au_mick", accountType: "INDIVIDUAL", marketplaceId: "EBAY_AU", firstName: "Mick", lastName: "Taylor" },
  { username: "demo_fr_boutique", accountType: "BUSINESS", marketplaceId: "EBAY_FR", firstName: "Camille", lastName: "Martin", businessName: "Boutique Martin SARL" },
];

const MARKETPLACE_PATTERN = /^EBAY_[A-Z_]{2,8}$/;

export function sellerFromInput(input: SellerInput, registrationDate: Date): SellerConfig {
  const username = input.username.trim();
  const userId = input.userId ?? userIdFor(username);
  const accountType = input.accountType ?? "INDIVIDUAL";
  const marketplaceId = input.registrationMarketplaceId ?? input.marketplaceId ?? "EBAY_US";
  if (!MARKETPLACE_PATTERN.test(marketplaceId)) throw new Error(`Unknown marketplace id ${marketplaceId}`);
  return {
    username,
    password: input.password ?? DEMO_PASSWORD,
    userId,
    eiasToken: eiasTokenFor(userId),
    accountType,
    registrationMarketplaceId: marketplaceId,
    status: input.status ?? "CONFIRMED",
    email: input.email ?? `${username.toLowerCase()}@example.com`,
    firstName: input.firstName ?? "Demo",
    lastName: input.lastName ?? "Seller",
    businessName: accountType === "BUSINESS" ? (input.businessName ?? `${username} Ltd`) : undefined,
    registrationDate: registrationDate.toISOString(),
  };
}

function appFromInput(input: AppInput): AppConfig {
  const ruNames = input.ruNames ?? [];
  if (input.ruName) {
    ruNames.push({
      ruName: input.ruName,
      acceptUrl: input.acceptUrl ?? DEMO_APP.acceptUrl,
      declineUrl: input.declineUrl ?? input.acceptUrl ?? DEMO_APP.declineUrl,
    });
  }
  return { clientId: input.clientId, clientSecret: input.clientSecret, devId: input.devId ?? DEMO_APP.devId, ruNames };
}

/** Seeded sellers have a fixed registration date so their records are identical after every reset. */
const SEED_REGISTRATION_DATE = new Date("2016-03-14T09:26:53.000Z");

export function resolveConfig(options: EmulatorOptions = {}): EmulatorConfig {
  const product = { ...DEMO_APP, ...stripUndefined(options.productApp ?? {}) };
  const apps: AppConfig[] = [
    appFromInput({
      clientId: product.clientId,
      clientSecret: product.clientSecret,
      devId: product.devId,
      ruName: product.ruName,
      acceptUrl: product.acceptUrl,
      declineUrl: product.declineUrl,
    }),
  ];
  for (const extra of options.extraApps ?? []) {
    const existing = apps.find((app) => app.clientId === extra.clientId);
    if (existing) existing.ruNames.push(...appFromInput(extra).ruNames);
    else apps.push(appFromInput(extra));
  }

  const sellerInputs = [...(options.includeDemoSellers === false ? [] : DEMO_SELLERS), ...(options.sellers ?? [])];
  const sellers = new Map<string, SellerConfig>();
  for (const input of sellerInputs) {
    const seller = sellerFromInput(input, SEED_REGISTRATION_DATE);
    sellers.set(seller.username.toLowerCase(), seller);
  }

  return {
    apps,
    sellers: [...sellers.values()],
    quotas: { ...EBAY_DEFAULT_QUOTAS, ...stripUndefined(options.quotas ?? {}) },
    notification: validatedNotificationConfig(options.notification ?? {}),
    expiredIafErrorCode: options.expiredIafErrorCode ?? 932,
    stateFile: options.stateFile,
    clockFile: options.clockFile,
    showDemoHint: options.showDemoHint ?? true,
    controlAllowRemote: options.controlAllowRemote ?? false,
  };
}

function checkEndpoint(name: string, value: string | undefined): void {
  if (value === undefined) return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} must be an absolute URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`${name} must be an http or https URL`);
}

/** Stops the start on a destination that could never be delivered to, rather than failing every notification later. */
function validatedNotificationConfig(notification: NotificationConfig): NotificationConfig {
  checkEndpoint("the account-deletion notification endpoint", notification.endpoint);
  checkEndpoint("the AUTHORIZATION_REVOCATION endpoint", notification.authorizationRevocationEndpoint);
  checkEndpoint("the Platform Notifications endpoint", notification.platformNotificationEndpoint);
  if (notification.authorizationRevocationEndpoint && !notification.authorizationRevocationVerificationToken) {
    throw new Error("an AUTHORIZATION_REVOCATION endpoint needs its verification token (EBAY_EMULATOR_AUTHORIZATION_REVOCATION_VERIFICATION_TOKEN)");
  }
  const delays = notification.retryDelaysMs ?? DEFAULT_NOTIFICATION_RETRY_DELAYS_MS;
  if (delays.length > MAX_RETRIES || delays.some((delay) => !Number.isInteger(delay) || delay < 0 || delay > MAX_RETRY_DELAY_MS)) {
    throw new Error(`notification retry delays must be at most ${MAX_RETRIES} whole numbers of ms between 0 and ${MAX_RETRY_DELAY_MS}`);
  }
  return { ...notification, retryDelaysMs: [...delays] };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined && entry !== "")) as Partial<T>;
}

interface ConfigFile {
  apps?: AppInput[];
  sellers?: SellerInput[];
  users?: SellerInput[];
  includeDemoSellers?: boolean;
  quotas?: Partial<QuotaConfig>;
  notification?: NotificationConfig;
  expiredIafErrorCode?: ExpiredIafErrorCode;
}

/** "1"/"true" or "0"/"false"/unset; anything else is a typo worth stopping for, not a silent "off". */
function flagFromEnv(env: Record<string, string | undefined>, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return undefined;
  if (raw === "1" || raw === "true") return true;
  if (raw === "0" || raw === "false") return false;
  throw new Error(`${name} must be 1 or 0`);
}

function numberFromEnv(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return Math.floor(value);
}

/** "1000,5000,30000" -> [1000, 5000, 30000]; "" or unset -> undefined (the default); "none" -> no retries. */
function delaysFromEnv(env: Record<string, string | undefined>, name: string): number[] | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return undefined;
  if (raw === "none") return [];
  return raw.split(",").map((part) => {
    const value = Number(part.trim());
    if (part.trim() === "" || !Number.isInteger(value) || value < 0) throw new Error(`${name} must be comma-separated whole milliseconds, or none`);
    return value;
  });
}

/** Builds options from EBAY_* / EBAY_EMULATOR_* variables plus the optional EBAY_EMULATOR_CONFIG JSON file. */
export function optionsFromEnv(env: Record<string, string | undefined> = process.env): EmulatorOptions {
  const file: ConfigFile = env.EBAY_EMULATOR_CONFIG ? JSON.parse(readFileSync(env.EBAY_EMULATOR_CONFIG, "utf8")) : {};
  const expiredCode = numberFromEnv(env, "EBAY_EMULATOR_EXPIRED_IAF_ERROR_CODE") ?? file.expiredIafErrorCode;
  if (expiredCode !== undefined && ![931, 932, 21917053].includes(expiredCode)) {
    throw new Error("EBAY_EMULATOR_EXPIRED_IAF_ERROR_CODE must be 931, 932 or 21917053");
  }
  return {
    productApp: {
      clientId: env.EBAY_CLIENT_ID,
      clientSecret: env.EBAY_CLIENT_SECRET,
      devId: env.EBAY_DEV_ID,
      ruName: env.EBAY_RU_NAME,
      acceptUrl: env.EBAY_EMULATOR_ACCEPT_URL,
      declineUrl: env.EBAY_EMULATOR_DECLINE_URL,
    },
    extraApps: file.apps,
    sellers: [...(file.sellers ?? []), ...(file.users ?? [])],
    includeDemoSellers: file.includeDemoSellers,
    quotas: {
      ...file.quotas,
      ...stripUndefined({
        authorizationCode: numberFromEnv(env, "EBAY_EMULATOR_QUOTA_AUTHORIZATION_CODE"),
        refreshToken: numberFromEnv(env, "EBAY_EMULATOR_QUOTA_REFRESH_TOKEN"),
        clientCredentials: numberFromEnv(env, "EBAY_EMULATOR_QUOTA_CLIENT_CREDENTIALS"),
        api: numberFromEnv(env, "EBAY_EMULATOR_QUOTA_API"),
        notification: numberFromEnv(env, "EBAY_EMULATOR_QUOTA_NOTIFICATION"),
      }),
    },
    notification: {
      ...file.notification,
      ...stripUndefined({
        endpoint: env.EBAY_EMULATOR_NOTIFICATION_ENDPOINT,
        verificationToken: env.EBAY_EMULATOR_NOTIFICATION_VERIFICATION_TOKEN,
        authorizationRevocationEndpoint: env.EBAY_EMULATOR_AUTHORIZATION_REVOCATION_ENDPOINT,
        authorizationRevocationVerificationToken: env.EBAY_EMULATOR_AUTHORIZATION_REVOCATION_VERIFICATION_TOKEN,
        platformNotificationEndpoint: env.EBAY_EMULATOR_PLATFORM_NOTIFICATION_ENDPOINT,
        retryDelaysMs: delaysFromEnv(env, "EBAY_EMULATOR_NOTIFICATION_RETRY_DELAYS_MS"),
      }),
    },
    expiredIafErrorCode: expiredCode as ExpiredIafErrorCode | undefined,
    stateFile: env.EBAY_EMULATOR_STATE_FILE || undefined,
    clockFile: env.EBAY_EMULATOR_CLOCK_FILE || undefined,
    showDemoHint: env.EBAY_EMULATOR_DEMO_HINT !== "0",
    controlAllowRemote: flagFromEnv(env, "EBAY_EMULATOR_CONTROL_ALLOW_REMOTE"),
  };
}
