/**
 * An expected refusal whose message is written for the person using the product
 * ("That nickname is already used by another account."). Server actions answer it as
 * { ok: false, error: message, code }; anything else thrown is treated as a bug.
 */
export class UserFacingError extends Error {
  readonly code?: string;

  constructor(message: string, code?: string) {
    super(message);
    this.name = "UserFacingError";
    this.code = code;
  }
}
