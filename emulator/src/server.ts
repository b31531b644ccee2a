// The emulator's HTTP server: one origin standing in for auth.ebay.com, api.ebay.com, apiz.ebay.com and
// signin.ebay.com. Routes by path, applies injected faults to the eBay surface, and turns every failure into an
// eBay-shaped answer instead of a crash.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { controlAccessRefusal } from "./access";
import { handleAuthNAuthSignIn, handleAuthorize, handleAuthorizeForm } from "./authorize";
import { VirtualClock } from "./clock";
import { resolveConfig, type EmulatorOptions } from "./config";
import { indexApps, type EmulatorContext } from "./context";
import { handleControl } from "./control";
import {
  REST_INTERNAL_ERROR,
  REST_METHOD_NOT_ALLOWED,
  REST_REQUEST_TOO_LARGE,
  REST_RESOURCE_NOT_FOUND,
  TRADING_ERRORS,
  restErrorForStatus,
  restErrors,
} from "./ebay-errors";
import { FaultRegistry, type Fault } from "./faults";
import { BodyTooLargeError, readBody, sendJson, sendText } from "./http";
import { NotificationOutbox } from "./notification-outbox";
import { createSigningKey, handlePublicKey } from "./notifications";
import { handleRevokeRequest, handleTokenRequest } from "./oauth-token";
import { handleGetUser, handleRateLimit, handleUserRateLimit } from "./rest-apis";
import { EmulatorState } from "./state";
import { handleTrading, tradingEnvelope } from "./trading";

export interface CreateEmulatorOptions extends EmulatorOptions {
  /** Interface to bind; 127.0.0.1 unless set, so nothing else on the network reaches the emulator by default. */
  host?: string;
}

export interface Emulator {
  server: Server;
  listen(port?: number): Promise<{ port: number; origin: string }>;
  close(): Promise<void>;
  /** In-process access for tests that need to look behind the wire (e.g. the signing key id). */
  context: EmulatorContext;
  signingKeyId: string;
}

const TRADING_PATH = "/ws/api.dll";
const PUBLIC_KEY_PREFIX = "/commerce/notification/v1/public_key/";

/** Route names used for counting, so ids in paths do not explode the counters. */
function routeKey(path: string): string {
  if (path.startsWith(PUBLIC_KEY_PREFIX)) return `${PUBLIC_KEY_PREFIX}{kid}`;
  return path;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export function createEmulator(options: CreateEmulatorOptions = {}): Emulator {
  const config = resolveConfig(options);
  const clock = new VirtualClock(config.clockFile);
  const state = new EmulatorState(config, clock);
  const signingKey = createSigningKey();
  const notifications = new NotificationOutbox({ config, clock, signingKey });
  const context: EmulatorContext = { config, state, clock, notifications, ...indexApps(config.apps) };
  const faults = new FaultRegistry();
  const host = options.host ?? "127.0.0.1";

  const isTrading = (path: string) => path === TRADING_PATH;

  function sendError(response: ServerResponse, path: string, status: number, retryAfterSeconds?: number): void {
    const headers: Record<string, string> = retryAfterSeconds !== undefined ? { "retry-after": String(retryAfterSeconds) } : {};
    if (isTrading(path)) {
      const body = status === 413 ? tradingEnvelope(context, "", { errors: [TRADING_ERRORS.requestTooLarge] }) : `<html><body><h1>${status}</h1></body></html>`;
      sendText(response, status, status === 413 ? "text/xml;charset=utf-8" : "text/html", body, headers);
      return;
    }
    sendJson(response, status, restErrorForStatus(status), headers);
  }

  /** Applies a fault; true when the request was fully handled by it. */
  async function applyFault(fault: Fault, request: IncomingMessage, response: ServerResponse, path: string): Promise<boolean> {
    if (fault.latencyMs) await sleep(fault.latencyMs);
    if (fault.mode === "reset") {
      request.socket.destroy();
      return true;
    }
    if (fault.mode === "timeout") {
      // Never answer: the client's own timeout is what is being tested. close() destroys the socket.
      request.resume();
      return true;
    }
    if (fault.mode === "malformed") {
      const contentType = isTrading(path) ? "text/xml;charset=utf-8" : "application/json";
      const body = isTrading(path) ? '<?xml version="1.0" encoding="UTF-8"?>\n<GetTokenStatusResponse xmlns="urn:ebay:apis:eBLBaseCompo' : '{"access_token":"v^1.1#i^1#p^3#r^1#I^3#f^0#t^H4sI';
      sendText(response, fault.status ?? 200, contentType, body);
      return true;
    }
    if (fault.status !== undefined) {
      sendError(response, path, fault.status, fault.retryAfterSeconds);
      return true;
    }
    return false;
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let url: URL;
    try {
      // Absolute-form targets (a client using the emulator as an HTTP proxy for eBay hosts) parse the same way.
      url = new URL(request.url ?? "/", "http://emulator.invalid");
    } catch {
      sendJson(response, 400, restErrors(REST_RESOURCE_NOT_FOUND));
      return;
    }
    const path = url.pathname;
    const method = request.method ?? "GET";
    const body = () => readBody(request);

    if (path === "/__emulator" || path.startsWith("/__emulator/")) {
      const refusal = config.controlAllowRemote ? undefined : controlAccessRefusal(request);
      if (refusal) {
        sendJson(response, 403, { error: refusal }, { "cache-control": "no-store" });
        return;
      }
      await handleControl({ context, faults }, request, response, path.slice("/__emulator/".length).replace(/\/$/, ""), body);
      return;
    }

    state.countCall(routeKey(path));
    const fault = faults.take(path);
    if (fault && (await applyFault(fault, request, response, path))) return;

    const only = (allowed: string): boolean => {
      if (method === allowed) return true;
      response.setHeader("allow", allowed);
      if (isTrading(path)) {
        sendText(response, 405, "text/xml;charset=utf-8", tradingEnvelope(context, "", { errors: [TRADING_ERRORS.unsupportedCall(`${method} ${path}`)] }));
      } else sendJson(response, 405, restErrors(REST_METHOD_NOT_ALLOWED));
      return false;
    };

    switch (path) {
      case "/oauth2/authorize":
        if (method === "POST") handleAuthorizeForm(context, request, response, await body());
        else if (only("GET")) handleAuthorize(context, request, response, url.searchParams);
        return;
      case "/identity/v1/oauth2/token":
        if (only("POST")) handleTokenRequest(context, request, response, await body());
        return;
      case "/identity/v1/oauth2/token/revoke":
        if (only("POST")) handleRevokeRequest(context, request, response, await body());
        return;
      case "/commerce/identity/v1/user/":
      case "/commerce/identity/v1/user":
        if (only("GET")) handleGetUser(context, request, response);
        return;
      case TRADING_PATH:
        if (only("POST")) handleTrading(context, request, response, await body());
        return;
      case "/ws/eBayISAPI.dll":
        if (method === "POST") handleAuthorizeForm(context, request, response, await body());
        else if (only("GET")) handleAuthNAuthSignIn(context, request, response, url.searchParams);
        return;
      case "/developer/analytics/v1_beta/rate_limit/":
      case "/developer/analytics/v1_beta/rate_limit":
        if (only("GET")) handleRateLimit(context, request, response, url.searchParams);
        return;
      case "/developer/analytics/v1_beta/user_rate_limit/":
      case "/developer/analytics/v1_beta/user_rate_limit":
        if (only("GET")) handleUserRateLimit(context, request, response, url.searchParams);
        return;
    }
    if (path.startsWith(PUBLIC_KEY_PREFIX) && path.length > PUBLIC_KEY_PREFIX.length) {
      if (only("GET")) handlePublicKey(context, signingKey, request, response, decodeURIComponent(path.slice(PUBLIC_KEY_PREFIX.length)));
      return;
    }
    sendJson(response, 404, restErrors(REST_RESOURCE_NOT_FOUND));
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (response.headersSent || response.destroyed) {
        response.destroy();
        return;
      }
      const path = (request.url ?? "").split("?")[0] ?? "";
      if (error instanceof BodyTooLargeError) {
        response.setHeader("connection", "close");
        if (isTrading(path)) sendText(response, 413, "text/xml;charset=utf-8", tradingEnvelope(context, "", { errors: [TRADING_ERRORS.requestTooLarge] }));
        else sendJson(response, 413, restErrors(REST_REQUEST_TOO_LARGE));
        return;
      }
      // Never leak internals: the cause goes to the emulator's stderr, the client gets eBay's generic error.
      console.error("[ebay-emulator] request failed:", error instanceof Error ? error.message : String(error));
      if (isTrading(path)) sendText(response, 500, "text/xml;charset=utf-8", tradingEnvelope(context, "", { errors: [{ ...TRADING_ERRORS.unsupportedCall(""), code: 10007, shortMessage: "Internal error to the application.", longMessage: "Internal error to the application.", classification: "SystemError" }] }));
      else sendJson(response, 500, restErrors(REST_INTERNAL_ERROR));
    });
  });
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n" + JSON.stringify(restErrors(REST_RESOURCE_NOT_FOUND)));
    else socket.destroy();
  });

  return {
    server,
    context,
    signingKeyId: signingKey.kid,
    listen(port = 0) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const address = server.address() as AddressInfo;
          const originHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
          resolve({ port: address.port, origin: `http://${originHost}:${address.port}` });
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        notifications.close();
        state.save();
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
