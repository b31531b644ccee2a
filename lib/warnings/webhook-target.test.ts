// The webhook target policy: which addresses count as public, what the settings form accepts, and that
// sendWebhook refuses loopback, private and metadata targets before any connection (a literal address)
// or inside the connection's own DNS lookup (a name), unless private networks are switched on.
import diagnostics from "node:diagnostics_channel";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendWebhook, UNREACHABLE, WebhookDeliveryError } from "@/lib/webhooks/send";
import { isPublicAddress, webhookPrivateTargetsAllowed, webhookUrlProblem, WebhookTargetRefused } from "@/lib/warnings/webhook-target";

const PRODUCTION_EBAY = {
  EBAY_CLIENT_ID: "Acme-ChannelK-PRD-0123456789-abcdef01",
  EBAY_CLIENT_SECRET: "PRD-0123456789ab-cdef-0123-4567-89ab",
  EBAY_RU_NAME: "Acme-Acme-ChannelK-abcdefgh",
};

const payload = {
  type: "expiring",
  workspace: { id: "w", name: "W" },
  account: null,
  status: null,
  cause: null,
  title: "t",
  message: "m",
  fixUrl: null,
  sentAt: new Date(0).toISOString(),
  text: "t",
};

describe("isPublicAddress", () => {
  it.each([
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "100.64.0.1",
    "169.254.169.254",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "[::1]",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "fe80::1%eth0",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:a9fe:a9fe",
    "64:ff9b::a9fe:a9fe",
    "2002:0a00:0001::1",
    "not-an-address",
  ])("%s is not public", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])("%s is public", (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe("webhookUrlProblem (settings form)", () => {
  const closed = { allowPrivateNetworks: false };
  const open = { allowPrivateNetworks: true };

  it("takes https to a public name either way", () => {
    expect(webhookUrlProblem("https://hooks.slack.com/services/x", closed)).toBeNull();
    expect(webhookUrlProblem("https://hooks.slack.com/services/x", open)).toBeNull();
  });

  it("refuses this machine and private addresses, and any plain http, unless private networks are enabled", () => {
    for (const url of ["https://localhost/x", "https://api.localhost/x", "https://127.0.0.1/x", "https://10.0.0.1/x", "https://169.254.169.254/latest", "https://[::1]/x", "https://[::ffff:7f00:1]/x"]) {
      expect(webhookUrlProblem(url, closed), url).toMatch(/public internet address/);
      expect(webhookUrlProblem(url, open), url).toBeNull();
    }
    expect(webhookUrlProblem("http://127.0.0.1:9000/x", closed)).toMatch(/must use https/);
    expect(webhookUrlProblem("http://127.0.0.1:9000/x", open)).toBeNull();
    // Plaintext never goes to the public internet, switch or not.
    expect(webhookUrlProblem("http://hooks.example.com/x", open)).toMatch(/must use https/);
  });

  it("refuses other schemes and credentials in the URL", () => {
    expect(webhookUrlProblem("ftp://hooks.example.com/x", open)).toMatch(/must use https/);
    expect(webhookUrlProblem("https://user:pass@hooks.example.com/x", open)).toMatch(/credentials/);
    expect(webhookUrlProblem("hooks.example.com", open)).toMatch(/full URL/);
  });
});

describe("webhookPrivateTargetsAllowed", () => {
  it("is on only when WEBHOOK_ALLOW_PRIVATE_NETWORKS=1, whether eBay is real or emulated (review finding 7)", () => {
    // A demo install runs against the emulator and lets anyone sign up: that must not open its private network.
    expect(webhookPrivateTargetsAllowed({})).toBe(false);
    expect(webhookPrivateTargetsAllowed({ EBAY_EMULATOR_URL: "http://localhost:4010" })).toBe(false);
    expect(webhookPrivateTargetsAllowed({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: "1" })).toBe(true);
    expect(webhookPrivateTargetsAllowed(PRODUCTION_EBAY)).toBe(false);
    expect(webhookPrivateTargetsAllowed({ ...PRODUCTION_EBAY, WEBHOOK_ALLOW_PRIVATE_NETWORKS: "1" })).toBe(true);
    expect(webhookPrivateTargetsAllowed({ ...PRODUCTION_EBAY, WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true" })).toBe(false);
    // A broken eBay configuration does not open private networks.
    expect(webhookPrivateTargetsAllowed({ EBAY_CLIENT_ID: "x" })).toBe(false);
  });
});

describe("sendWebhook refuses private targets without touching the network", () => {
  // A plain TCP listener on this machine: it counts every connection that reaches it.
  let listener: net.Server;
  let port: number;
  let connections = 0;
  const socketsCreated: unknown[] = [];
  const onSocket = (message: unknown) => void socketsCreated.push(message);

  beforeAll(async () => {
    listener = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    port = (listener.address() as AddressInfo).port;
    diagnostics.subscribe("net.client.socket", onSocket);
  });
  afterAll(async () => {
    diagnostics.unsubscribe("net.client.socket", onSocket);
    await new Promise((resolve) => listener.close(resolve));
  });

  const post = (url: string, allowPrivateNetworks: boolean) =>
    sendWebhook(url, JSON.stringify(payload), { "webhook-id": "msg_test" }, { timeoutMs: 2000, allowPrivateNetworks });

  const refusal = async (url: string) => {
    const error = await post(url, false).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error, url).toBeInstanceOf(WebhookDeliveryError);
    const delivery = error as WebhookDeliveryError;
    // Coarse for users; the real reason stays in `cause`.
    expect(delivery.message).toBe(UNREACHABLE);
    expect(delivery.cause, url).toBeInstanceOf(WebhookTargetRefused);
  };

  it("refuses literal loopback, private and metadata addresses before creating any socket", async () => {
    socketsCreated.length = 0;
    for (const url of [
      `https://127.0.0.1:${port}/hook`,
      `http://127.0.0.1:${port}/hook`,
      "https://10.0.0.1/hook",
      "https://169.254.169.254/latest/meta-data/",
      `https://[::1]:${port}/hook`,
      `https://[::ffff:127.0.0.1]:${port}/hook`,
      "https://0.0.0.0/hook",
    ]) {
      await refusal(url);
    }
    expect(socketsCreated).toHaveLength(0);
    expect(connections).toBe(0);
  });

  it("refuses a name that resolves to loopback inside the connection's own lookup, so nothing connects", async () => {
    connections = 0;
    await refusal(`https://localhost:${port}/hook`);
    await refusal(`https://app.localhost:${port}/hook`);
    expect(connections).toBe(0);
  });

  it("connects to the same name once private networks are enabled (the switch the emulator and tests use)", async () => {
    connections = 0;
    // The listener is not a TLS server, so the post fails, but only after a real connection reached it.
    const error = await post(`https://localhost:${port}/hook`, true).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect((error as WebhookDeliveryError).cause).not.toBeInstanceOf(WebhookTargetRefused);
    expect(connections).toBeGreaterThan(0);
  });
});
