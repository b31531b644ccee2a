// Everything the emulator sends on its own: Notification API topics (MARKETPLACE_ACCOUNT_DELETION,
// AUTHORIZATION_REVOCATION) and Platform Notifications (TokenRevocation). It keeps the destinations, refuses any
// target that is not an allowed endpoint, delivers revocations in the background with retries (so the revoking
// request answers at once, as on eBay), and keeps a log the control API shows so tests can wait for a delivery.
//
// Outbound targets are limited because the control API lets a caller name an endpoint: without a limit the emulator
// would POST wherever it is told. Allowed = the endpoints configured at start (environment or config file); when
// none is configured, loopback URLs only (what tests use for their receivers).
import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from "node:crypto";
import { isLoopbackHostname } from "./access";
import type { VirtualClock } from "./clock";
import type { AppConfig, EmulatorConfig, SellerConfig } from "./config";
import {
  accountDeletionData,
  authorizationRevocationData,
  challengeResponseFor,
  notificationBody,
  signatureHeader,
  type NotificationApiTopic,
  type SigningKey,
} from "./notifications";
import {
  PLATFORM_NOTIFICATION_CONTENT_TYPE,
  TOKEN_REVOCATION_SOAP_ACTION,
  notificationSignature,
  tokenRevocationEnvelope,
  type TokenRevocationStatus,
} from "./platform-notifications";
import type { Revocation, RevokeReason } from "./state";

export type NotificationTopic = NotificationApiTopic | "TokenRevocation";
export type DeliveryState = "pending" | "delivered" | "failed";

export interface ChallengeOutcome {
  status: number | null;
  verified: boolean;
  error?: string;
}

export interface DeliveryAttempt {
  /** Virtual time the attempt started. */
  at: string;
  /** Present when this attempt first validated the destination with a challenge_code GET. */
  challenge?: ChallengeOutcome;
  /** HTTP status of the POST; null when it was not sent or got no answer. */
  status: number | null;
  error?: string;
}

export interface DeliveryRecord {
  /** notificationId (Notification API) or CorrelationID (Platform Notifications). */
  id: string;
  topic: NotificationTopic;
  endpoint: string;
  username: string;
  userId: string;
  /** revokeReason (AUTHORIZATION_REVOCATION) or TokenStatus.Status (TokenRevocation). */
  reason?: string;
  forgedSignature: boolean;
  state: DeliveryState;
  queuedAt: string;
  attempts: DeliveryAttempt[];
}

export interface NotificationApiDestination {
  endpoint: string;
  verificationToken: string;
}

export interface PlatformNotificationDestination {
  endpoint: string;
}

export interface Destinations {
  accountDeletion?: NotificationApiDestination;
  authorizationRevocation?: NotificationApiDestination;
  platformNotifications?: PlatformNotificationDestination;
}

export type DestinationName = keyof Destinations;

export interface EndpointRefusal {
  kind: "malformed" | "not-allowed";
  message: string;
}

export interface DeliveryFilter {
  topic?: string;
  username?: string;
}

/** The synchronous account-deletion answer (unchanged since that route was added). */
export interface AccountDeletionOutcome {
  notificationId: string;
  endpoint: string;
  challenge: ChallengeOutcome;
  delivery: { status: number | null; delivered: boolean; error?: string };
}

const REQUEST_TIMEOUT_MS = 5_000;
/** The log is for tests and demos; a long demo must not grow it without bound. */
const MAX_LOGGED_DELIVERIES = 1_000;

/** Auth'n'Auth tokens survive a password change, so a TokenRevocation never carries one. */
const TOKEN_REVOCATION_STATUS: Record<Exclude<RevokeReason, "PASSWORD_CHANGE">, TokenRevocationStatus> = {
  REVOKED_BY_APP: "RevokedByApp",
  REVOKED_BY_EBAY: "RevokedByeBay",
  REVOKED_BY_USER: "RevokedByUser",
};

interface Job {
  controller: AbortController;
  timer?: NodeJS.Timeout;
}

interface SendResult {
  status: number | null;
  text: string;
  error?: string;
}

function failureMessage(error: unknown): string {
  if (!(error instanceof Error)) return "request failed";
  const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
  if (error.name === "TimeoutError") return `no answer within ${REQUEST_TIMEOUT_MS} ms`;
  return code ? `${error.message} (${code})` : error.message;
}

function normalizedEndpoint(endpoint: string): string | undefined {
  try {
    return new URL(endpoint).href;
  } catch {
    return undefined;
  }
}

export class NotificationOutbox {
  private current: Destinations;
  private readonly allowedEndpoints: ReadonlySet<string>;
  /** Notification API destinations that answered the challenge (eBay validates a destination once, when created). */
  private readonly validated = new Set<string>();
  private log: DeliveryRecord[] = [];
  private readonly jobs = new Set<Job>();
  private readonly settleListeners = new Set<() => void>();
  private forgeryKey: KeyObject | undefined;
  private readonly productApp: AppConfig;

  constructor(
    private readonly deps: { config: EmulatorConfig; clock: VirtualClock; signingKey: SigningKey },
  ) {
    this.productApp = deps.config.apps[0]!;
    this.current = this.configuredDestinations();
    const notification = deps.config.notification;
    this.allowedEndpoints = new Set(
      [notification.endpoint, notification.authorizationRevocationEndpoint, notification.platformNotificationEndpoint]
        .map((endpoint) => (endpoint ? normalizedEndpoint(endpoint) : undefined))
        .filter((endpoint): endpoint is string => endpoint !== undefined),
    );
  }

  private configuredDestinations(): Destinations {
    const notification = this.deps.config.notification;
    const destinations: Destinations = {};
    if (notification.endpoint && notification.verificationToken) {
      destinations.accountDeletion = { endpoint: notification.endpoint, verificationToken: notification.verificationToken };
    }
    if (notification.authorizationRevocationEndpoint && notification.authorizationRevocationVerificationToken) {
      destinations.authorizationRevocation = {
        endpoint: notification.authorizationRevocationEndpoint,
        verificationToken: notification.authorizationRevocationVerificationToken,
      };
    }
    if (notification.platformNotificationEndpoint) destinations.platformNotifications = { endpoint: notification.platformNotificationEndpoint };
    return destinations;
  }

  /** Why the emulator must not send to this endpoint (a malformed URL, or one it may not reach), or undefined. */
  refusal(endpoint: string): EndpointRefusal | undefined {
    const normalized = normalizedEndpoint(endpoint);
    if (!normalized) return { kind: "malformed", message: "endpoint must be an absolute URL" };
    const url = new URL(normalized);
    if (url.protocol !== "http:" && url.protocol !== "https:") return { kind: "malformed", message: "endpoint must be an http or https URL" };
    if (this.allowedEndpoints.size > 0) {
      return this.allowedEndpoints.has(normalized) ? undefined : { kind: "not-allowed", message: "endpoint is not one of the configured notification endpoints" };
    }
    if (isLoopbackHostname(url.hostname)) return undefined;
    return { kind: "not-allowed", message: "no notification endpoint is configured, so only loopback endpoints are allowed" };
  }

  allowed(): string[] {
    return [...this.allowedEndpoints];
  }

  destinations(): Destinations {
    return structuredClone(this.current);
  }

  /** Replaces the named destinations (undefined removes one); callers check refusal() first, this checks again. */
  setDestination<Name extends DestinationName>(name: Name, destination: Destinations[Name] | undefined): void {
    if (destination) {
      const refusal = this.refusal(destination.endpoint);
      if (refusal) throw new Error(refusal.message);
      this.current[name] = { ...destination };
    } else delete this.current[name];
  }

  retryDelaysMs(): number[] {
    return [...(this.deps.config.notification.retryDelaysMs ?? [])];
  }

  // ---- what the rest of the emulator calls ----

  /**
   * An app lost its OAuth authorization for a seller. Queues AUTHORIZATION_REVOCATION when that app is the product's
   * and a destination is set (or given); undefined when there is nobody to tell.
   */
  authorizationRevoked(
    seller: SellerConfig,
    clientId: string,
    revocation: Revocation,
    options: { destination?: NotificationApiDestination; forgeSignature?: boolean } = {},
  ): DeliveryRecord | undefined {
    const destination = options.destination ?? this.current.authorizationRevocation;
    if (clientId !== this.productApp.clientId || !destination) return undefined;
    const forge = options.forgeSignature ?? false;
    const revocationDate = new Date(revocation.revokedAtMs).toISOString();
    const record = this.newRecord("AUTHORIZATION_REVOCATION", randomUUID(), destination.endpoint, seller, revocation.reason, forge);
    this.enqueue(record, (attemptNumber, signal) =>
      this.notificationApiAttempt(destination, { validateOnce: true, forge }, signal, () =>
        notificationBody({
          topic: "AUTHORIZATION_REVOCATION",
          notificationId: record.id,
          eventDate: revocationDate,
          publishDate: this.now(),
          publishAttemptCount: attemptNumber,
          data: authorizationRevocationData(seller, revocation.reason, revocationDate),
        }),
      ),
    );
    return record;
  }

  /**
   * An Auth'n'Auth token was revoked. Queues a TokenRevocation Platform Notification when the token is the product
   * app's and a Platform Notifications endpoint is set (or given).
   */
  authNAuthTokenRevoked(
    seller: SellerConfig,
    clientId: string,
    tokenExpiresAtMs: number,
    revocation: Revocation,
    options: { endpoint?: string; forgeSignature?: boolean } = {},
  ): DeliveryRecord | undefined {
    const endpoint = options.endpoint ?? this.current.platformNotifications?.endpoint;
    if (clientId !== this.productApp.clientId || !endpoint || revocation.reason === "PASSWORD_CHANGE") return undefined;
    const status = TOKEN_REVOCATION_STATUS[revocation.reason];
    const forge = options.forgeSignature ?? false;
    // eBay's CorrelationIDs in notifications are long digit strings.
    const correlationId = BigInt(`0x${randomBytes(6).toString("hex")}`).toString().padStart(15, "0");
    const record = this.newRecord("TokenRevocation", correlationId, endpoint, seller, status, forge);
    const app = this.productApp;
    this.enqueue(record, async (_attemptNumber, signal) => {
      // Each attempt is a fresh message: a new Timestamp, so a new signature (receivers reject stale timestamps).
      const timestamp = this.now();
      const signingKeys = forge ? { ...app, clientSecret: `${app.clientSecret}-forged` } : app;
      const body = tokenRevocationEnvelope({
        timestamp,
        signature: notificationSignature(timestamp, signingKeys),
        correlationId,
        recipientUserId: seller.username,
        status,
        eiasToken: seller.eiasToken,
        expirationTime: new Date(tokenExpiresAtMs).toISOString(),
        revocationTime: new Date(revocation.revokedAtMs).toISOString(),
      });
      const result = await this.send(endpoint, { method: "POST", headers: { "content-type": PLATFORM_NOTIFICATION_CONTENT_TYPE, soapaction: TOKEN_REVOCATION_SOAP_ACTION }, body }, signal);
      return { at: timestamp, status: result.status, ...(result.error ? { error: result.error } : {}) };
    });
    return record;
  }

  /**
   * MARKETPLACE_ACCOUNT_DELETION, sent while the control request waits: the challenge handshake every time (the
   * route models registering the endpoint and one deletion), then a single POST.
   */
  async sendAccountDeletion(seller: SellerConfig, destination: NotificationApiDestination, forgeSignature = false): Promise<AccountDeletionOutcome> {
    const notificationId = randomUUID();
    const record = this.newRecord("MARKETPLACE_ACCOUNT_DELETION", notificationId, destination.endpoint, seller, undefined, forgeSignature);
    this.remember(record);
    // Registered like a background job so close() also cuts a request that is still waiting for an answer.
    const job: Job = { controller: new AbortController() };
    this.jobs.add(job);
    const attempt = await this.notificationApiAttempt(destination, { validateOnce: false, forge: forgeSignature }, job.controller.signal, () => {
      const now = this.now();
      return notificationBody({
        topic: "MARKETPLACE_ACCOUNT_DELETION",
        notificationId,
        eventDate: now,
        publishDate: now,
        publishAttemptCount: 1,
        data: accountDeletionData(seller),
      });
    });
    this.jobs.delete(job);
    record.attempts.push(attempt);
    const delivered = attempt.status !== null && attempt.status >= 200 && attempt.status < 300;
    record.state = delivered ? "delivered" : "failed";
    this.settled();
    const challenge = attempt.challenge ?? { status: null, verified: false };
    return {
      notificationId,
      endpoint: destination.endpoint,
      challenge,
      delivery: challenge.verified ? { status: attempt.status, delivered, ...(attempt.error ? { error: attempt.error } : {}) } : { status: null, delivered: false },
    };
  }

  // ---- the log ----

  deliveries(filter: DeliveryFilter = {}): DeliveryRecord[] {
    return structuredClone(this.matching(filter));
  }

  /** Resolves once no delivery matching the filter is pending, or after timeoutMs. */
  waitUntilSettled(filter: DeliveryFilter, timeoutMs: number): Promise<void> {
    const anyPending = () => this.matching(filter).some((record) => record.state === "pending");
    if (!anyPending() || timeoutMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (anyPending()) return;
        clearTimeout(timer);
        this.settleListeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.settleListeners.delete(check);
        resolve();
      }, timeoutMs);
      this.settleListeners.add(check);
    });
  }

  /** Back to the configured destinations with an empty log; deliveries under way are abandoned. */
  reset(): void {
    this.stopJobs();
    this.log = [];
    this.validated.clear();
    this.current = this.configuredDestinations();
    this.settled();
  }

  /** Stops retries and in-flight requests so a closing emulator leaves no timers or sockets behind. */
  close(): void {
    this.stopJobs();
    for (const record of this.log) if (record.state === "pending") record.state = "failed";
    this.settled();
  }

  // ---- internals ----

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  private matching(filter: DeliveryFilter): DeliveryRecord[] {
    const username = filter.username?.toLowerCase();
    return this.log.filter((record) => (!filter.topic || record.topic === filter.topic) && (!username || record.username.toLowerCase() === username));
  }

  private newRecord(topic: NotificationTopic, id: string, endpoint: string, seller: SellerConfig, reason: string | undefined, forgedSignature: boolean): DeliveryRecord {
    return {
      id,
      topic,
      endpoint,
      username: seller.username,
      userId: seller.userId,
      ...(reason ? { reason } : {}),
      forgedSignature,
      state: "pending",
      queuedAt: this.now(),
      attempts: [],
    };
  }

  private remember(record: DeliveryRecord): void {
    this.log.push(record);
    while (this.log.length > MAX_LOGGED_DELIVERIES) {
      const oldestSettled = this.log.findIndex((entry) => entry.state !== "pending");
      if (oldestSettled < 0) break;
      this.log.splice(oldestSettled, 1);
    }
  }

  private settled(): void {
    for (const listener of [...this.settleListeners]) listener();
  }

  private stopJobs(): void {
    for (const job of this.jobs) {
      job.controller.abort();
      if (job.timer) clearTimeout(job.timer);
    }
    this.jobs.clear();
  }

  /** Runs attempts until one succeeds or the retry delays run out; the first starts after the current request. */
  private enqueue(record: DeliveryRecord, attemptOnce: (attemptNumber: number, signal: AbortSignal) => Promise<DeliveryAttempt>): void {
    this.remember(record);
    const job: Job = { controller: new AbortController() };
    this.jobs.add(job);
    const delays = this.retryDelaysMs();
    const finish = (state: DeliveryState) => {
      this.jobs.delete(job);
      record.state = state;
      this.settled();
    };
    const run = async (attemptNumber: number): Promise<void> => {
      job.timer = undefined;
      const attempt = await attemptOnce(attemptNumber, job.controller.signal);
      if (job.controller.signal.aborted) return;
      record.attempts.push(attempt);
      if (attempt.status !== null && attempt.status >= 200 && attempt.status < 300) return finish("delivered");
      const delay = delays[attemptNumber - 1];
      if (delay === undefined) return finish("failed");
      job.timer = setTimeout(() => void start(attemptNumber + 1), delay);
      job.timer.unref();
    };
    const start = (attemptNumber: number) =>
      run(attemptNumber).catch((error: unknown) => {
        console.error("[ebay-emulator] notification delivery failed:", error instanceof Error ? error.message : String(error));
        if (!job.controller.signal.aborted) finish("failed");
      });
    job.timer = setTimeout(() => void start(1), 0);
    job.timer.unref();
  }

  private async notificationApiAttempt(
    destination: NotificationApiDestination,
    options: { validateOnce: boolean; forge: boolean },
    signal: AbortSignal,
    buildBody: () => string,
  ): Promise<DeliveryAttempt> {
    const at = this.now();
    let challenge: ChallengeOutcome | undefined;
    const destinationKey = `${destination.endpoint}\n${destination.verificationToken}`;
    if (!options.validateOnce || !this.validated.has(destinationKey)) {
      challenge = await this.challenge(destination, signal);
      if (!challenge.verified) return { at, challenge, status: null, error: "the endpoint failed the challenge_code validation" };
      if (options.validateOnce) this.validated.add(destinationKey);
    }
    const body = buildBody();
    const result = await this.send(
      destination.endpoint,
      { method: "POST", headers: { "content-type": "application/json", accept: "application/json", "x-ebay-signature": this.sign(body, options.forge) }, body },
      signal,
    );
    return { at, ...(challenge ? { challenge } : {}), status: result.status, ...(result.error ? { error: result.error } : {}) };
  }

  /** A forged signature names the real kid but is made with another key, so verification with eBay's key fails. */
  private sign(body: string, forge: boolean): string {
    if (!forge) return signatureHeader(this.deps.signingKey.kid, this.deps.signingKey.privateKey, body);
    this.forgeryKey ??= generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
    return signatureHeader(this.deps.signingKey.kid, this.forgeryKey, body);
  }

  private async challenge(destination: NotificationApiDestination, signal: AbortSignal): Promise<ChallengeOutcome> {
    const challengeCode = randomUUID().replace(/-/g, "") + randomUUID().replace(/-/g, "");
    const result = await this.send(destination.endpoint, { method: "GET", headers: { accept: "application/json" } }, signal, ["challenge_code", challengeCode]);
    let verified = false;
    if (result.status === 200) {
      try {
        const parsed = JSON.parse(result.text) as { challengeResponse?: unknown };
        verified = parsed.challengeResponse === challengeResponseFor(challengeCode, destination.verificationToken, destination.endpoint);
      } catch {
        verified = false;
      }
    }
    return { status: result.status, verified, ...(result.error ? { error: result.error } : {}) };
  }

  /** The one place a request leaves the emulator: refused unless the endpoint is allowed, never follows redirects. */
  private async send(endpoint: string, init: RequestInit, signal: AbortSignal, query?: [string, string]): Promise<SendResult> {
    const refusal = this.refusal(endpoint);
    if (refusal) return { status: null, text: "", error: `not sent: ${refusal.message}` };
    const url = new URL(endpoint);
    if (query) url.searchParams.set(query[0], query[1]);
    try {
      const response = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      return { status: null, text: "", error: failureMessage(error) };
    }
  }
}
