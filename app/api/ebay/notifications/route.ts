import { createHash } from "node:crypto";
import type { NextRequest } from "next/server";
import { db } from "@/lib/db";
import { EbayApiError } from "@/lib/ebay/errors";
import { logUnexpectedError } from "@/lib/actions/log-unexpected-error";
import { notificationEndpointConfig } from "@/lib/notifications/notification-config";
import { receiveNotificationApiMessage, receivePlatformNotification, type ReceiveOutcome } from "@/lib/notifications/receive";

export const dynamic = "force-dynamic";

// eBay's notifications to this app, public by necessity (eBay cannot sign in): the Notification API's challenge and
// signed JSON messages (MARKETPLACE_ACCOUNT_DELETION, AUTHORIZATION_REVOCATION) and the legacy SOAP Platform
// Notifications (TokenRevocation). Nothing is trusted before its signature is checked; the work is a queue job, so
// eBay's delivery is answered at once.

/** eBay's messages are a few hundred bytes; anything far larger is not one of them. */
const MAX_BODY_BYTES = 64 * 1024;

function notFound(): Response {
  return new Response(null, { status: 404 });
}

/** GET ?challenge_code=X: {"challengeResponse": hex(SHA-256(X + verificationToken + endpointURL))}, as eBay checks. */
export async function GET(request: NextRequest): Promise<Response> {
  const config = notificationEndpointConfig();
  const challengeCode = request.nextUrl.searchParams.get("challenge_code");
  if (!config || !challengeCode) return notFound();
  const challengeResponse = createHash("sha256").update(challengeCode).update(config.verificationToken).update(config.endpointUrl).digest("hex");
  return Response.json({ challengeResponse }, { status: 200, headers: { "Cache-Control": "no-store" } });
}

export async function POST(request: NextRequest): Promise<Response> {
  if (!notificationEndpointConfig()) return notFound();
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return new Response(null, { status: 413 });
  const body = Buffer.from(await request.arrayBuffer());
  if (body.length > MAX_BODY_BYTES) return new Response(null, { status: 413 });
  const contentType = request.headers.get("content-type") ?? "";
  const soap = /xml/i.test(contentType) || request.headers.has("soapaction");

  let outcome: ReceiveOutcome;
  try {
    outcome = soap
      ? await receivePlatformNotification(db, { body })
      : await receiveNotificationApiMessage(db, { signature: request.headers.get("x-ebay-signature"), body });
  } catch (error) {
    // eBay's key could not be fetched, or the database is away: not the sender's fault, so a 5xx makes eBay retry.
    if (!(error instanceof EbayApiError)) logUnexpectedError("eBay notification", error);
    return new Response(null, { status: 503, headers: { "Retry-After": "60" } });
  }
  switch (outcome.kind) {
    case "bad_signature":
      return new Response(null, { status: 412 });
    case "malformed":
      return Response.json({ error: outcome.reason }, { status: 400 });
    case "accepted":
    case "ignored":
      // eBay's SDKs answer the Notification API with 204; Platform Notifications expect a 200.
      return new Response(null, { status: soap ? 200 : 204 });
  }
}
