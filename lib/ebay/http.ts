// The one way the eBay client goes over the wire: a fetch with a hard timeout covering headers and
// body, turning "no answer" into typed EbayApiErrors. No retries here: whether to retry is a judgement
// (lib/tokens/verdict.ts) that the caller makes.
import { EbayApiError, type EbayOperation, type EbayRestErrorDetail } from "@/lib/ebay/errors";

export type EbayHttpRequest = {
  operation: EbayOperation;
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
};

export type EbayHttpResponse = {
  status: number;
  headers: Headers;
  text: string;
  retryAfterSeconds?: number;
};

export async function sendEbayRequest(request: EbayHttpRequest): Promise<EbayHttpResponse> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, request.timeoutMs);
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: controller.signal,
      redirect: "manual",
      cache: "no-store",
    });
    const text = await response.text();
    const retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after"));
    return {
      status: response.status,
      headers: response.headers,
      text,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    };
  } catch (error) {
    if (timedOut) {
      throw new EbayApiError({
        kind: "timeout",
        operation: request.operation,
        detail: `no answer within ${request.timeoutMs} ms`,
      });
    }
    throw new EbayApiError({
      kind: "network",
      operation: request.operation,
      detail: `could not reach eBay (${networkReason(error)})`,
    });
  } finally {
    clearTimeout(timer);
  }
}

/** Retry-After is either delta-seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const dateMs = Date.parse(trimmed);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, Math.ceil((dateMs - nowMs) / 1000));
}

export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** For a REST 2xx: the parsed JSON, or a "malformed" error. */
export function readRestJson(response: EbayHttpResponse, operation: EbayOperation): unknown {
  if (response.status < 200 || response.status >= 300) throw restFailure(response, operation);
  const body = parseJsonBody(response.text);
  if (body === undefined || body === null || typeof body !== "object") {
    throw malformed(operation, response.status, "the answer is not JSON");
  }
  return body;
}

/** A non-2xx REST answer as an EbayApiError: "rest" when eBay's errors[] body is there, else "http". */
export function restFailure(response: EbayHttpResponse, operation: EbayOperation): EbayApiError {
  const restErrors = parseRestErrors(parseJsonBody(response.text));
  const retryAfter = response.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: response.retryAfterSeconds };
  if (restErrors.length > 0) {
    const first = restErrors[0]!;
    return new EbayApiError({
      kind: "rest",
      operation,
      httpStatus: response.status,
      restErrors,
      ...retryAfter,
      detail: `HTTP ${response.status}, errorId ${first.errorId}${first.message ? ` (${first.message})` : ""}`,
    });
  }
  return new EbayApiError({
    kind: "http",
    operation,
    httpStatus: response.status,
    ...retryAfter,
    detail: `HTTP ${response.status}`,
  });
}

export function malformed(operation: EbayOperation, httpStatus: number, why: string): EbayApiError {
  return new EbayApiError({ kind: "malformed", operation, httpStatus, detail: `unreadable answer: ${why}` });
}

function parseRestErrors(body: unknown): EbayRestErrorDetail[] {
  if (typeof body !== "object" || body === null || !("errors" in body) || !Array.isArray(body.errors)) return [];
  const details: EbayRestErrorDetail[] = [];
  for (const entry of body.errors as unknown[]) {
    if (typeof entry !== "object" || entry === null) continue;
    const record = entry as Record<string, unknown>;
    const errorId = Number(record.errorId);
    if (!Number.isInteger(errorId)) continue;
    details.push({
      errorId,
      ...optionalString("domain", record.domain),
      ...optionalString("category", record.category),
      ...optionalString("message", record.message),
      ...optionalString("longMessage", record.longMessage),
    });
  }
  return details;
}

function optionalString<K extends string>(key: K, value: unknown): { [P in K]?: string } {
  return (typeof value === "string" ? { [key]: value } : {}) as { [P in K]?: string };
}

// undici wraps the socket error in `cause`; only its code/name goes into the message.
function networkReason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    if (typeof code === "string") return code;
    if (cause.message === "terminated" || cause.message === "other side closed") return "connection reset";
    return cause.name;
  }
  return "unknown error";
}
