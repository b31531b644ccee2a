// Shared helpers for the emulator contract tests: a real emulator on an ephemeral port, and small clients that speak
// eBay's wire formats the way the product does (fetch, form bodies, Basic auth, Trading XML).
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
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

export function errorCodes(answer: TradingAnswer): string[] {
  return ((answer.body.Errors as Array<{ ErrorCode: string }> | undefined) ?? []).map((error) => error.ErrorCode);
}

export async function advanceClock(origin: string, seconds: number): Promise<void> {
  const { status } = await control(origin, "POST", "clock", { advanceSeconds: seconds });
  if (status !== 200) throw new Error("clock advance failed");
}

/**
 * A request through node:http, for what fetch will not send: a chosen Host header, an Origin header, or a chosen
 * local address to connect from.
 */
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
