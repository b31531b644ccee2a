// A proxy in front of the eBay emulator for answers the emulator's own fault modes do not produce (a 200 with an HTML
// page, a Trading error code eBay may add later). Everything else passes through untouched, so the product talks
// to the real emulator behind it.
import http from "node:http";
import type { AddressInfo } from "node:net";

/** `stall`: send the head and the body, then never finish the response. */
export type ProxyAnswer = { status: number; contentType: string; body: string; stall?: boolean };
/** Decides an answer for a request, or undefined to pass it to the emulator. */
export type ProxyOverride = (request: { method: string; path: string; headers: http.IncomingHttpHeaders }) => ProxyAnswer | undefined;

export type FaultProxy = { origin: string; override(rule: ProxyOverride | null): void; close(): Promise<void> };

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  let rule: ProxyOverride | null = null;
  const upstream = new URL(target);
  const server = http.createServer((request, response) => {
    const answer = rule?.({ method: request.method ?? "GET", path: request.url ?? "/", headers: request.headers });
    if (answer) {
      request.resume();
      response.writeHead(answer.status, { "content-type": answer.contentType });
      if (answer.stall) response.write(answer.body);
      else response.end(answer.body);
      return;
    }
    const forwarded = http.request(
      { hostname: upstream.hostname, port: upstream.port, path: request.url, method: request.method, headers: { ...request.headers, host: upstream.host } },
      (reply) => {
        response.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(response);
      },
    );
    forwarded.on("error", () => response.destroy());
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    override(next) {
      rule = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
