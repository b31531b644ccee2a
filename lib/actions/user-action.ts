import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import type { ActionResult } from "@/lib/actions/action-result";
import type { ServerActionName } from "@/lib/actions/action-table";
import { logUnexpectedError, unexpectedErrorMessage } from "@/lib/actions/log-unexpected-error";
import { UserFacingError } from "@/lib/actions/user-facing-error";
import { containsNulCharacter, NUL_CHARACTER_MESSAGE } from "@/lib/http/nul-characters";
import { invalidInput, registerServerAction, SIGNED_OUT_MESSAGE } from "@/lib/actions/workspace-action";

// Server actions outside a workspace: about the signed-in person themselves (their password, their sessions), or
// open to anyone because the input carries its own proof (a link sent by email). Same shape as workspace actions:
// validated input, expected refusals as UserFacingError, anything else logged with an id.

type Options<Schema extends z.ZodType> = { schema: Schema; name: ServerActionName };

async function run<T>(name: string, work: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    return await work();
  } catch (error) {
    unstable_rethrow(error);
    if (error instanceof UserFacingError) {
      return error.code === undefined ? { ok: false, error: error.message } : { ok: false, error: error.message, code: error.code };
    }
    return { ok: false, error: unexpectedErrorMessage(logUnexpectedError(name, error)), code: "unexpected" };
  }
}

/** For any signed-in user, about themselves. */
export function defineSignedInAction<Schema extends z.ZodType, T>(
  options: Options<Schema>,
  handler: (context: { input: z.output<Schema>; user: SessionUser }) => Promise<T>,
): (input: unknown) => Promise<ActionResult<T>> {
  const action = async (rawInput: unknown): Promise<ActionResult<T>> =>
    run(options.name, async () => {
      const user = await getSessionUser();
      if (!user) return { ok: false, error: SIGNED_OUT_MESSAGE, code: "unauthenticated" };
      if (containsNulCharacter(rawInput)) return { ok: false, error: NUL_CHARACTER_MESSAGE, code: "invalid_input" };
      const parsed = await options.schema.safeParseAsync(rawInput);
      if (!parsed.success) return invalidInput(parsed.error);
      return { ok: true, data: await handler({ input: parsed.data, user }) };
    });
  return registerServerAction(action, options.name, { signedIn: true });
}

/** For anyone, signed in or not: the input must carry its own proof (a token from an emailed link). */
export function definePublicAction<Schema extends z.ZodType, T>(
  options: Options<Schema>,
  handler: (context: { input: z.output<Schema> }) => Promise<T>,
): (input: unknown) => Promise<ActionResult<T>> {
  const action = async (rawInput: unknown): Promise<ActionResult<T>> =>
    run(options.name, async () => {
      if (containsNulCharacter(rawInput)) return { ok: false, error: NUL_CHARACTER_MESSAGE, code: "invalid_input" };
      const parsed = await options.schema.safeParseAsync(rawInput);
      if (!parsed.success) return invalidInput(parsed.error);
      return { ok: true, data: await handler({ input: parsed.data }) };
    });
  return registerServerAction(action, options.name, { anyone: true });
}
