import { randomBytes } from "node:crypto";

// Unexpected errors keep their detail in the server log, found again through a short id the
// user sees. Anything shaped like a credential is masked first: bearer/basic headers, credential
// fields in serialized bodies, query strings and form posts (JSON, escaped JSON inside a message,
// key=value), OAuth authorization codes, passwords in URLs (smtp://user:pass@host) and eBay tokens
// and authorization codes (v^1.1#...).
const CREDENTIAL_KEY =
  "(?:access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret|webhook[_-]?secret|signing[_-]?secret|secret|api[_-]?key|password|passwordHash|authorization)";
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [redacted]"],
  // "key": "value", \"key\":\"value\" (JSON inside a message), key=value, key: value.
  [new RegExp(`((?:\\\\?["'])?${CREDENTIAL_KEY}(?:\\\\?["'])?\\s*[:=]\\s*(?:\\\\?["'])?)[^"'\\\\\\s&,;}]+`, "gi"), "$1[redacted]"],
  // OAuth authorization codes in a callback URL or a token request body (code=...), not "code": 500.
  [/([?&\s]code=)[^&\s"',;]+/gi, "$1[redacted]"],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"']+:)[^\s@/"']+@/gi, "$1[redacted]@"],
  [/v\^1\.1#[^\s"',;&]+/g, "[redacted eBay token]"],
];

export function redactSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((current, [pattern, replacement]) => current.replace(pattern, replacement), text);
}

export function newErrorId(): string {
  return randomBytes(4).toString("hex");
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause === undefined ? "" : `\ncaused by: ${describe(error.cause)}`;
    return `${error.stack ?? `${error.name}: ${error.message}`}${cause}`;
  }
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/** Logs the error with its id and context; returns the id for the user-facing message. */
export function logUnexpectedError(context: string, error: unknown): string {
  const errorId = newErrorId();
  console.error(`[channelkeys] error ${errorId} in ${context}: ${redactSecrets(describe(error))}`);
  return errorId;
}

export function unexpectedErrorMessage(errorId: string): string {
  return `Something went wrong on our side. Try again; if it keeps happening, quote error ${errorId}.`;
}
