// End-to-end tests' mail catcher, started by playwright.config.ts as a web server: a real SMTP server on
// E2E_SMTP_PORT that the app sends to (SMTP_URL), plus a tiny HTTP API on E2E_SMTP_PORT + 1 for specs:
//   GET /health     -> 200
//   GET /messages   -> [{ from, to, subject, text, headers, receivedAt }]
//   DELETE /messages
import http from "node:http";
import { startSmtpServer } from "./smtp-server";

const smtpPort = Number(process.env.E2E_SMTP_PORT);
if (!Number.isInteger(smtpPort) || smtpPort <= 0) {
  console.error("E2E_SMTP_PORT must be set to a free port");
  process.exit(1);
}
const apiPort = smtpPort + 1;

async function main(): Promise<void> {
  const smtp = await startSmtpServer({ port: smtpPort, host: "127.0.0.1" });
  const api = http.createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
      response.end(JSON.stringify(body));
    };
    if (request.url === "/health") return send(200, { ok: true, smtpPort });
    if (request.url === "/messages" && request.method === "GET") {
      return send(
        200,
        smtp.messages.map(({ from, to, subject, text, headers, receivedAt }) => ({ from, to, subject, text, headers, receivedAt })),
      );
    }
    if (request.url === "/messages" && request.method === "DELETE") {
      smtp.clear();
      return send(200, { ok: true });
    }
    send(404, { error: "not found" });
  });
  await new Promise<void>((resolve) => api.listen(apiPort, "127.0.0.1", resolve));
  console.log(`SMTP capture: smtp://127.0.0.1:${smtpPort}, messages at http://127.0.0.1:${apiPort}/messages`);

  const stop = () => {
    api.close();
    void smtp.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

void main();
