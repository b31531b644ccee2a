// Telling database failures apart: a unique-key race lost (expected, the other writer's row is the answer) and the
// database being unreachable (transient: the work is retried when it is back, never recorded as a verdict).

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

// Prisma's connection errors, and what node-postgres says when the server goes away mid-query.
const UNAVAILABLE_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "ECONNREFUSED", "ECONNRESET", "57P01", "57P02", "57P03"]);
const UNAVAILABLE_MESSAGE =
  /ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection|Can't reach database|Server has closed the connection|the database system is (starting up|shutting down)|Client has encountered a connection error|Code: `57P0[123]`/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error === "string") return UNAVAILABLE_MESSAGE.test(error);
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== "object") break;
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) return true;
    if (typeof message === "string" && UNAVAILABLE_MESSAGE.test(message)) return true;
    current = cause;
  }
  return false;
}
