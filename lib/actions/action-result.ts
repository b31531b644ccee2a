// What every server action answers. Client components import this file (it has no server code).

export type ActionFailure = {
  ok: false;
  /** Safe to show as is. */
  error: string;
  /** unauthenticated | invalid_input | forbidden | not_found | unexpected, or a handler's own code. */
  code?: string;
  /** Per-field messages when the input failed validation, keyed by the top-level field name. */
  fieldErrors?: Record<string, string>;
};

export type ActionResult<T> = { ok: true; data: T } | ActionFailure;
