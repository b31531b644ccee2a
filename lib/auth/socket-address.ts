import { AsyncLocalStorage } from "node:async_hooks";
import http from "node:http";
import https from "node:https";

// The address of the TCP peer that sent the request being served.
//
// Next.js gives App Router code (route handlers, server actions, next-auth's authorize) only the request's
// headers, never its socket. `next start` copies the socket address into X-Forwarded-For only when the client
// sent no such header (`req.headers['x-forwarded-for'] ??= socket.remoteAddress` in next/dist/server/base-server.js),
// so a client that sends one chooses what the app reads there, and the real address is gone.
//
// So the server's "request" event is wrapped (as OpenTelemetry's HTTP instrumentation does) and the socket
// address is kept in an AsyncLocalStorage for the rest of that request's handling. `next start` serves from the
// same process that runs instrumentation.ts, whose register() installs this before Next.js takes requests;
// a request that arrived while the server was still starting carries no address and counts as unknown.
// A client cannot set it: it is never read from anything the client sent.

type SocketAddressStore = AsyncLocalStorage<string | undefined>;

// Route handlers, server actions and instrumentation.ts are bundled separately, each with its own copy of this
// module: the store and the installed flag live on globalThis so that all of them share one per process.
const STORE_KEY = Symbol.for("channelkeys.socketAddressStore");
const INSTALLED_KEY = Symbol.for("channelkeys.socketAddressCaptureInstalled");

type CaptureGlobals = { [STORE_KEY]?: SocketAddressStore; [INSTALLED_KEY]?: boolean };

function sharedStore(): SocketAddressStore {
  const globals = globalThis as CaptureGlobals;
  globals[STORE_KEY] ??= new AsyncLocalStorage<string | undefined>();
  return globals[STORE_KEY];
}

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

function wrapRequestEvent(serverPrototype: { emit: unknown }): void {
  const originalEmit = serverPrototype.emit as Emit;
  const emitWithSocketAddress: Emit = function (event, ...args) {
    if (event === "request" && args[0] instanceof http.IncomingMessage) {
      const socketAddress = args[0].socket?.remoteAddress;
      return sharedStore().run(socketAddress, () => originalEmit.call(this, event, ...args));
    }
    return originalEmit.call(this, event, ...args);
  };
  serverPrototype.emit = emitWithSocketAddress;
}

/** Makes every HTTP(S) server in this process record each request's socket address. Safe to call twice. */
export function installSocketAddressCapture(): void {
  const globals = globalThis as CaptureGlobals;
  if (globals[INSTALLED_KEY]) return;
  globals[INSTALLED_KEY] = true;
  wrapRequestEvent(http.Server.prototype);
  wrapRequestEvent(https.Server.prototype);
}

/** The socket address of the request being handled, or undefined outside one (or before capture was installed). */
export function currentSocketAddress(): string | undefined {
  return sharedStore().getStore();
}
