"use server";

import { headers } from "next/headers";
import { clientIpFrom } from "@/lib/auth/client-ip";
import type { SignUpFieldErrors } from "@/lib/auth/sign-up-schema";
import { registerUser } from "@/lib/auth/sign-up";
import { getSessionUser } from "@/lib/auth/session";
import { logUnexpectedError, unexpectedErrorMessage } from "@/lib/actions/log-unexpected-error";
import { containsNulCharacter, NUL_CHARACTER_MESSAGE } from "@/lib/http/nul-characters";

export type SignUpActionResult = { ok: true } | { ok: false; error: string; fieldErrors: SignUpFieldErrors };

/** Creates the account; the form then signs in with the same credentials through next-auth. */
export async function signUpAction(input: { name: unknown; email: unknown; password: unknown } | unknown): Promise<SignUpActionResult> {
  // Anyone can post anything to a server action: what is not an object is an empty form, answered field by field.
  const fields: Record<string, unknown> = typeof input === "object" && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  if (containsNulCharacter(fields)) return { ok: false, error: NUL_CHARACTER_MESSAGE, fieldErrors: {} };
  try {
    if (await getSessionUser()) {
      return { ok: false, error: "You are already signed in. Sign out first to create another account.", fieldErrors: {} };
    }
    const result = await registerUser(
      { name: fields.name, email: fields.email, password: fields.password },
      { ip: clientIpFrom(await headers()) },
    );
    return result.ok ? { ok: true } : { ok: false, error: result.error, fieldErrors: result.fieldErrors };
  } catch (error) {
    const errorId = logUnexpectedError("sign-up", error);
    return { ok: false, error: unexpectedErrorMessage(errorId), fieldErrors: {} };
  }
}
