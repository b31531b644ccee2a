/**
 * Thrown by a job that met an expected, passing failure (an endpoint that is down, a lock that stayed busy): the queue
 * retries it with backoff, and the log gets one line instead of an error report.
 */
export class RetryLater extends Error {
  override name = "RetryLater";
}
