import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { connectAccount, signUp, uniqueEmail } from "./support/app";
import { resetEmulator } from "./support/emulator";
import { createSeller } from "./support/integrations";

type Received = { headers: http.IncomingHttpHeaders; body: string };

/** A receiver on this machine (the emulated setup allows private webhook targets). */
async function startReceiver() {
  const received: Received[] = [];
  let answer = 200;
  const server = http.createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      response.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/channelkeys`,
    received,
    answerWith(status: number) {
      answer = status;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

test.beforeEach(async ({ request }) => {
  await resetEmulator(request);
});

test("deliveries are signed the Standard Webhooks way, listed with their response codes and redelivered", async ({ page, request }) => {
  test.setTimeout(120_000);
  const receiver = await startReceiver();
  try {
    const seller = await createSeller(request, "hooks");
    await signUp(page, "Hana Hooks", uniqueEmail("hana"));
    await page.goto("/settings/webhooks");
    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const secret = await page.getByLabel("Signing secret", { exact: true }).inputValue();
    expect(secret).toMatch(/^whsec_/);
    // Shown once: gone after a reload.
    await page.reload();
    await expect(page.locator("main")).not.toContainText(secret);

    const accountId = await connectAccount(page, seller.username);
    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBeGreaterThan(0);
    const first = receiver.received[0]!;
    // The receiving side verifies with the standardwebhooks library: signature, id and fresh timestamp.
    const verified = new Webhook(secret).verify(first.body, first.headers as Record<string, string>) as { type: string; data: { account: { id: string; name: string } } };
    expect(verified.type).toBe("account.connected");
    expect(verified.data.account).toMatchObject({ id: accountId, name: seller.username });
    expect(() => new Webhook("whsec_" + Buffer.from("another secret of 32 bytes.....").toString("base64")).verify(first.body, first.headers as Record<string, string>)).toThrow();
    expect(first.body).not.toContain("v^1.1#");

    // The endpoint fails: the delivery is listed with the HTTP status and stays pending for the queue's retries.
    receiver.answerWith(500);
    await page.goto(`/accounts/${accountId}`);
    await page.getByRole("button", { name: "Disconnect" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Disconnect" }).click();
    await expect.poll(() => receiver.received.filter((delivery) => delivery.body.includes("account.disconnected")).length, { timeout: 15_000 }).toBeGreaterThan(0);
    await page.goto("/settings/webhooks");
    const failed = page.locator("tr[data-delivery-id]").filter({ hasText: "account.disconnected" });
    await expect(failed).toContainText("HTTP 500");
    await expect(failed).toContainText("Pending");
    const failedId = receiver.received.find((delivery) => delivery.body.includes("account.disconnected"))!.headers["webhook-id"];

    // Redeliver: the same webhook-id, now accepted.
    receiver.answerWith(204);
    await failed.getByRole("button", { name: "Redeliver account.disconnected" }).click();
    await expect
      .poll(async () => {
        await page.reload();
        return page.locator("tr[data-delivery-id]").filter({ hasText: "account.disconnected" }).textContent();
      }, { timeout: 20_000 })
      .toContain("Delivered");
    await expect(page.locator("tr[data-delivery-id]").filter({ hasText: "account.disconnected" })).toContainText("HTTP 204");
    const accepted = receiver.received.filter((delivery) => delivery.headers["webhook-id"] === failedId);
    expect(accepted.length).toBeGreaterThanOrEqual(2);
    const last = accepted[accepted.length - 1]!;
    expect((new Webhook(secret).verify(last.body, last.headers as Record<string, string>) as { type: string }).type).toBe("account.disconnected");
  } finally {
    await receiver.close();
  }
});

test("webhook endpoints refuse URLs the SSRF policy refuses and the alert settings keep email only", async ({ page }) => {
  await signUp(page, "Olive Owner", uniqueEmail("olive"));
  await page.goto("/settings");
  await page.getByLabel("Email recipients").fill("not-an-address");
  await page.getByRole("button", { name: "Save alert settings" }).click();
  await expect(page.getByText("One of these is not an email address.")).toBeVisible();
  await page.getByLabel("Email recipients").fill("ops@example.test");
  await page.getByRole("button", { name: "Save alert settings" }).click();
  await expect(page.getByText("Alert settings saved.")).toBeVisible();

  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Webhooks" }).click();
  await page.getByLabel("Endpoint URL").fill("http://hooks.example.com/x");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByText("Webhook URLs must use https://")).toBeVisible();
  await page.getByLabel("Endpoint URL").fill("https://user:pass@hooks.example.com/x");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByText("Put credentials in the signing secret, not in the URL.")).toBeVisible();
});
