import { db } from "@/lib/db";
import { unsubscribeAlertRecipient } from "@/lib/warnings/alert-recipients";

export const dynamic = "force-dynamic";

// RFC 8058 one-click unsubscribe: a mail provider POSTs "List-Unsubscribe=One-Click" to the List-Unsubscribe URL of
// an alert mail. The token in the URL is the proof (HMAC of the recipient's id); no cookie or page is involved, so
// this route is open to other origins by design. A GET changes nothing: link scanners open every URL in a mail.
export async function POST(request: Request): Promise<Response> {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const result = token.length <= 200 ? await unsubscribeAlertRecipient(db, token) : { ok: false as const };
  return new Response(result.ok ? "Unsubscribed.\n" : "This unsubscribe link is not valid.\n", {
    status: result.ok ? 200 : 404,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}

export async function GET(): Promise<Response> {
  return new Response("Open the unsubscribe link from the email to unsubscribe.\n", {
    status: 405,
    headers: { Allow: "POST", "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
