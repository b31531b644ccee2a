// Shared helpers for the emulator contract tests: a real emulator on an ephemeral port, and small clients that speak
// eBay's wire formats the way the product does (fetch, form bodies, Basic auth, Trading XML).
import { createHash, createPublicKey, verify } from "node:crypto";
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { XMLParser } from "fast-xml-parser";
import { DEMO_APP } from "../src/config";
import { PRODUCT_SCOPES } from "../src/scopes";
import { createEmulator, type CreateEmulatorOptions, type Emulator } from "../src/server";

export { DEMO_APP, PRODUCT_SCOPES };

export interface RunningEmulator {
  emulator: Emulator;
  origin: string;
}

export async function startEmulator(options: CreateEmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = createEmulator(options);
  const { origin } = await emulator.listen(0);
  return { emulator, origin };
}

export function basicAuth(clientId: string = DEMO_APP.clientId, clientSecret: string = DEMO_APP.clientSecret): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`;
}

export async function control(origin: string, method: string, route: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${origin}/__emulator/${route}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

export async function tokenRequest(origin: string, form: Record<string, string>, authorization: string | null = basicAuth()): Promise<Response> {
  return fetch(`${origin}/identity/v1/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(authorization ? { authorization } : {}) },
    body: new URLSearchParams(form).toString(),
  });
}

/** Consent through the control API, then the code exchange: what a freshly connected account holds. */
export async function connectSeller(
  origin: string,
  username: string,
  options: { scopes?: string[]; clientId?: string; clientSecret?: string; ruName?: string } = {},
): Promise<{ accessToken: string; refreshToken: string; location: string }> {
  const consent = await control(origin, "POST", "consent", { username, state: "s1", scopes: options.scopes, clientId: options.clientId, ruName: options.ruName });
  if (consent.status !== 200) throw new Error(`consent failed: ${JSON.stringify(consent.json)}`);
  const location = consent.json.location as string;
  const code = new URL(location).searchParams.get("code")!;
  const ruName = options.ruName ?? DEMO_APP.ruName;
  const response = await tokenRequest(
    origin,
    { grant_type: "authorization_code", code, redirect_uri: ruName },
    basicAuth(options.clientId, options.clientSecret),
  );
  const body = (await response.json()) as { access_token: string; refresh_token: string };
  if (response.status !== 200) throw new Error(`exchange failed: ${JSON.stringify(body)}`);
  return { accessToken: body.access_token, refreshToken: body.refresh_token, location };
}

export async function refresh(origin: string, refreshToken: string, scope: string = PRODUCT_SCOPES.join(" ")): Promise<Response> {
  return tokenRequest(origin, { grant_type: "refresh_token", refresh_token: refreshToken, scope });
}

export async function getUser(origin: string, accessToken: string): Promise<Response> {
  return fetch(`${origin}/commerce/identity/v1/user/`, { headers: { authorization: `Bearer ${accessToken}` } });
}

const xmlParser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, removeNSPrefix: true, isArray: (name) => name === "Errors" });

export interface TradingAnswer {
  status: number;
  contentType: string | null;
  raw: string;
  body: Record<string, any>;
}

export async function trading(
  origin: string,
  callName: string,
  credentials: { iafToken?: string; authToken?: string; appHeaders?: boolean },
  innerXml = "",
): Promise<TradingAnswer> {
  const requester = credentials.authToken ? `<RequesterCredentials><eBayAuthToken>${credentials.authToken}</eBayAuthToken></RequesterCredentials>` : "";
  const response = await fetch(`${origin}/ws/api.dll`, {
    method: "POST",
    headers: {
      "content-type": "text/xml",
      "x-ebay-api-call-name": callName,
      "x-ebay-api-siteid": "0",
      "x-ebay-api-compatibility-level": "967",
      ...(credentials.iafToken ? { "x-ebay-api-iaf-token": credentials.iafToken } : {}),
      ...(credentials.appHeaders
        ? { "x-ebay-api-app-name": DEMO_APP.clientId, "x-ebay-api-dev-name": DEMO_APP.devId, "x-ebay-api-cert-name": DEMO_APP.clientSecret }
        : {}),
    },
    body: `<?xml version="1.0" encoding="utf-8"?><${callName}Request xmlns="urn:ebay:apis:eBLBaseComponents">${requester}${innerXml}</${callName}Request>`,
  });
  const raw = await response.text();
  const parsed = xmlParser.parse(raw) as Record<string, any>;
  return { status: response.status, contentType: response.headers.get("content-type"), raw, body: parsed[`${callName}Response`] ?? parsed };
}

// ---- Auth'n'Auth: GetSessionID, the sign-in page, FetchToken ----

export async function startAuthNAuthSession(origin: string): Promise<string> {
  const session = await trading(origin, "GetSessionID", { appHeaders: true }, `<RuName>${DEMO_APP.ruName}</RuName>`);
  if (session.body.Ack !== "Success") throw new Error(`GetSessionID failed: ${session.raw}`);
  return session.body.SessionID as string;
}

/** Signs the seller in on the Auth'n'Auth page and agrees; returns the redirect the browser would follow. */
export async function signInAndAgree(origin: string, sessionId: string, username: string): Promise<Response> {
  const signInUrl = `${origin}/ws/eBayISAPI.dll?SignIn&RuName=${encodeURIComponent(DEMO_APP.ruName)}&SessID=${encodeURIComponent(sessionId)}`;
  const page = await (await fetch(signInUrl)).text();
  const requestId = /name="request" value="([^"]+)"/.exec(page)?.[1];
  if (!requestId) throw new Error("no sign-in form");
  const form = (fields: Record<string, string>, cookie?: string) =>
    fetch(`${origin}/ws/eBayISAPI.dll`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
      body: new URLSearchParams({ request: requestId, ...fields }).toString(),
    });
  const signIn = await form({ step: "signin", username, password: "password" });
  const cookie = signIn.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(`sign-in failed with ${signIn.status}`);
  return form({ step: "agree" }, cookie);
}

/** The whole legacy flow: what an app holds after a seller agreed on the Auth'n'Auth page. */
export async function authNAuthToken(origin: string, username: string): Promise<{ token: string; hardExpirationTime: string }> {
  const sessionId = await startAuthNAuthSession(origin);
  await signInAndAgree(origin, sessionId, username);
  const fetched = await trading(origin, "FetchToken", { appHeaders: true }, `<SessionID>${sessionId}</SessionID>`);
  if (fetched.body.Ack !== "Success") throw new Error(`FetchToken failed: ${fetched.raw}`);
  return { token: fetched.body.eBayAuthToken, hardExpirationTime: fetched.body.HardExpirationTime };
}

export function errorCodes(answer: TradingAnswer): string[] {
  return ((answer.body.Errors as Array<{ ErrorCode: string }> | undefined) ?? []).map((error) => error.ErrorCode);
}

export async function advanceClock(origin: string, seconds: number): Promise<void> {
  const { status } = await control(origin, "POST", "clock", { advanceSeconds: seconds });
  if (status !== 200) throw new Error("clock advance failed");
}

/** A request through node:http, for headers fetch will not send as given (Host) or that a browser would (Origin). */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: options.method ?? "GET", headers: options.headers ?? {} }, (incoming) => {
      let body = "";
      incoming.setEncoding("utf8");
      incoming.on("data", (chunk: string) => (body += chunk));
      incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body }));
      incoming.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end(options.body);
  });
}

/** This machine's first non-loopback IPv4 address, to be a "remote" client of an emulator bound to it. */
export function externalIPv4Address(): string | undefined {
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) if (entry.family === "IPv4" && !entry.internal) return entry.address;
  }
  return undefined;
}

// ---- notification receivers ----

/** The PEM comes on one line from eBay; its SDKs put the line breaks back before using it. */
function formatPem(key: string): string {
  return key.replace("-----BEGIN PUBLIC KEY-----", "-----BEGIN PUBLIC KEY-----\n").replace("-----END PUBLIC KEY-----", "\n-----END PUBLIC KEY-----");
}

/**
 * Verifies X-EBAY-SIGNATURE the way eBay's SDKs do: decode the header, fetch the key by kid from the public key
 * endpoint with an application token, ECDSA-SHA1 over the raw body.
 */
export async function verifyEbaySignature(emulatorOrigin: string, header: string, rawBody: string): Promise<boolean> {
  const decoded = JSON.parse(Buffer.from(header, "base64").toString("utf8")) as { alg: string; kid: string; signature: string; digest: string };
  if (decoded.alg !== "ecdsa" || decoded.digest !== "SHA1") return false;
  const appToken = ((await (await tokenRequest(emulatorOrigin, { grant_type: "client_credentials" })).json()) as { access_token: string }).access_token;
  const keyResponse = await fetch(`${emulatorOrigin}/commerce/notification/v1/public_key/${decoded.kid}`, { headers: { authorization: `Bearer ${appToken}` } });
  const key = (await keyResponse.json()) as { key: string };
  return verify("sha1", Buffer.from(rawBody), createPublicKey(formatPem(key.key)), Buffer.from(decoded.signature, "base64"));
}

/** What eBay's Platform Notifications guide says a receiver computes: base64(MD5(Timestamp + DevId + AppId + CertId)). */
export function expectedNotificationSignature(timestamp: string, app: { devId: string; clientId: string; clientSecret: string } = DEMO_APP): string {
  return createHash("md5").update(`${timestamp}${app.devId}${app.clientId}${app.clientSecret}`).digest("base64");
}

export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A status, or a status with headers (e.g. a redirect's Location). */
export type ReceiverAnswer = number | { status: number; headers: Record<string, string> };

export interface NotificationReceiver {
  /** http://127.0.0.1:<port><path> */
  url(path: string): string;
  requests: ReceivedRequest[];
  posts(path?: string): ReceivedRequest[];
  /** Answers a POST; default 204 for JSON, 200 for SOAP. Challenge GETs are answered with `verificationToken`. */
  respond: (request: ReceivedRequest) => ReceiverAnswer | Promise<ReceiverAnswer>;
  /** Holds every answer this long, to observe that the emulator does not wait for it. */
  delayMs: number;
  waitForPosts(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  reset(): void;
  close(): Promise<void>;
}

function defaultAnswer(request: ReceivedRequest): number {
  return String(request.headers["content-type"] ?? "").startsWith("text/xml") ? 200 : 204;
}

/**
 * A loopback HTTP server standing in for the product's notification endpoints: answers the challenge_code handshake
 * the way eBay's SDKs do (sha256 of code + verification token + endpoint URL) and records every request.
 */
export async function startNotificationReceiver(verificationToken: string): Promise<NotificationReceiver> {
  let port = 0;
  const receiver: NotificationReceiver = {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests: [],
    posts: (path) => receiver.requests.filter((entry) => entry.method === "POST" && (path === undefined || entry.path === path)),
    respond: defaultAnswer,
    delayMs: 0,
    async waitForPosts(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (receiver.posts().length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} POSTs, got ${receiver.posts().length}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return receiver.posts();
    },
    reset() {
      receiver.requests.length = 0;
      receiver.respond = defaultAnswer;
      receiver.delayMs = 0;
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
  const server = createServer((incoming: IncomingMessage, outgoing) => {
    let body = "";
    incoming.setEncoding("utf8");
    incoming.on("data", (chunk: string) => (body += chunk));
    incoming.on("end", async () => {
      const url = new URL(incoming.url ?? "/", `http://127.0.0.1:${port}`);
      const entry: ReceivedRequest = { method: incoming.method ?? "GET", path: url.pathname, query: url.searchParams, headers: incoming.headers, body };
      receiver.requests.push(entry);
      if (receiver.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, receiver.delayMs));
      if (entry.method === "GET") {
        const challengeCode = url.searchParams.get("challenge_code") ?? "";
        const challengeResponse = createHash("sha256").update(challengeCode + verificationToken + receiver.url(url.pathname)).digest("hex");
        outgoing.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ challengeResponse }));
        return;
      }
      const answer = await receiver.respond(entry);
      if (typeof answer === "number") outgoing.writeHead(answer).end();
      else outgoing.writeHead(answer.status, answer.headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  return receiver;
}

export async function deliveries(origin: string, query: Record<string, string> = {}): Promise<{ counts: Record<string, number>; deliveries: any[] }> {
  const { status, json } = await control(origin, "GET", `notifications/deliveries?${new URLSearchParams({ waitMs: "5000", ...query }).toString()}`);
  if (status !== 200) throw new Error(`deliveries failed: ${JSON.stringify(json)}`);
  return json;
}
