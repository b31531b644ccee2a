import "server-only";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { ACCOUNT_VIEW_SELECT } from "@/lib/accounts/account-view";
import { can, minimumRoleFor, ROLE_LABELS, type Permission, type Role } from "@/lib/auth/roles";
import {
  getSessionUser,
  resolveCurrentMembership,
  type SessionUser,
  type WorkspaceRef,
} from "@/lib/auth/session";
import type { ActionFailure, ActionResult } from "@/lib/actions/action-result";
import { logUnexpectedError, unexpectedErrorMessage } from "@/lib/actions/log-unexpected-error";
import { UserFacingError } from "@/lib/actions/user-facing-error";
import { containsNulCharacter, NUL_CHARACTER_MESSAGE } from "@/lib/http/nul-characters";
import { SERVER_ACTIONS, type ActionAccess, type ServerActionName } from "@/lib/actions/action-table";

export { UserFacingError } from "@/lib/actions/user-facing-error";
export type { ActionResult } from "@/lib/actions/action-result";

export type WorkspaceActionContext<Input> = {
  input: Input;
  user: SessionUser;
  workspace: WorkspaceRef;
  role: Role;
};

export type WorkspaceActionOptions<Schema extends z.ZodType> = {
  schema: Schema;
  permission: Permission;
  /** Its row in lib/actions/action-table.ts (which must name the same permission); also names it in server logs. */
  name: ServerActionName;
};

/** What the wrappers check for each action they made: lib/actions/action-table.test.ts compares it with the table. */
const definedActions = new WeakMap<object, { name: ServerActionName; access: ActionAccess }>();

export function describeServerAction(action: unknown): { name: ServerActionName; access: ActionAccess } | undefined {
  return typeof action === "function" ? definedActions.get(action) : undefined;
}

/** Records what an action checks, after making sure the table lists it with exactly that access. */
export function registerServerAction<F extends object>(action: F, name: ServerActionName, access: ActionAccess): F {
  const listed: ActionAccess | undefined = SERVER_ACTIONS[name]?.access;
  if (!listed || JSON.stringify(listed) !== JSON.stringify(access)) {
    // A programming error, caught by type-checking and the action table's test before it ships.
    const wanted = "permission" in access ? `permission ${access.permission}` : JSON.stringify(access);
    throw new Error(`Server action ${name} must be listed in lib/actions/action-table.ts with ${wanted}`);
  }
  definedActions.set(action, { name, access });
  return action;
}

export const SIGNED_OUT_MESSAGE = "Your session has ended. Sign in again to continue.";
export const NO_WORKSPACE_MESSAGE = "You are not a member of any workspace.";
export const ACCOUNT_NOT_FOUND_MESSAGE = "That eBay account was not found in this workspace.";

export function forbiddenMessage(role: Role, permission: Permission): string {
  const needed = ROLE_LABELS[minimumRoleFor(permission)];
  return `Your role (${ROLE_LABELS[role]}) cannot do this. Ask a workspace owner for the ${needed} role.`;
}

function fromFormData(input: unknown): unknown {
  if (typeof FormData === "undefined" || !(input instanceof FormData)) return input;
  const values: Record<string, FormDataEntryValue> = {};
  for (const [key, value] of input.entries()) {
    // React adds its own $ACTION_* fields to forms bound to server actions.
    if (!key.startsWith("$ACTION")) values[key] = value;
  }
  return values;
}

export function invalidInput(error: z.ZodError): ActionFailure {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : "_";
    fieldErrors[field] ??= issue.message;
  }
  const first = error.issues[0];
  const error_ =
    error.issues.length === 1 && first && first.path.length === 0 ? first.message : "Check the highlighted fields.";
  return { ok: false, error: error_, code: "invalid_input", fieldErrors };
}

/**
 * Wraps a server action: session -> input validation -> membership and permission -> handler.
 * The workspace always comes from the signed-in user's membership, never from the input.
 * Handlers throw UserFacingError for expected refusals; anything else is logged with an id and
 * answered with a generic message carrying that id.
 */
export function defineWorkspaceAction<Schema extends z.ZodType, T>(
  options: WorkspaceActionOptions<Schema>,
  handler: (context: WorkspaceActionContext<z.output<Schema>>) => Promise<T>,
): (input: unknown) => Promise<ActionResult<T>> {
  const context = options.name;
  const action = async (rawInput: unknown): Promise<ActionResult<T>> => {
    try {
      const user = await getSessionUser();
      if (!user) return { ok: false, error: SIGNED_OUT_MESSAGE, code: "unauthenticated" };

      if (containsNulCharacter(rawInput)) return { ok: false, error: NUL_CHARACTER_MESSAGE, code: "invalid_input" };
      const parsed = await options.schema.safeParseAsync(fromFormData(rawInput));
      if (!parsed.success) return invalidInput(parsed.error);

      const membership = await resolveCurrentMembership(user.id);
      if (!membership) return { ok: false, error: NO_WORKSPACE_MESSAGE, code: "forbidden" };
      if (!can(membership.role, options.permission)) {
        return { ok: false, error: forbiddenMessage(membership.role, options.permission), code: "forbidden" };
      }

      const data = await handler({
        input: parsed.data,
        user,
        workspace: membership.workspace,
        role: membership.role,
      });
      return { ok: true, data };
    } catch (error) {
      // redirect(), notFound() and friends are control flow for Next.js, not failures.
      unstable_rethrow(error);
      if (error instanceof UserFacingError) {
        return error.code === undefined ? { ok: false, error: error.message } : { ok: false, error: error.message, code: error.code };
      }
      const errorId = logUnexpectedError(context, error);
      return { ok: false, error: unexpectedErrorMessage(errorId), code: "unexpected" };
    }
  };
  return registerServerAction(action, options.name, { permission: options.permission });
}

/** The account columns an action handler sees: what pages show, plus bookkeeping; never the encrypted tokens. */
export const WORKSPACE_ACCOUNT_SELECT = {
  ...ACCOUNT_VIEW_SELECT,
  workspaceId: true,
  stateVersion: true,
  createdAt: true,
  updatedAt: true,
} as const;

export type WorkspaceAccount = Prisma.EbayAccountGetPayload<{ select: typeof WORKSPACE_ACCOUNT_SELECT }>;

export type AccountActionContext<Input> = WorkspaceActionContext<Input> & { account: WorkspaceAccount };

/**
 * A workspace action about one eBay account. The account is loaded by (input.accountId, the
 * session's workspace) before the handler runs; another workspace's id, or a missing one, gets
 * the same not-found answer, so ids reveal nothing across workspaces.
 */
export function defineAccountAction<Schema extends z.ZodType<{ accountId: string }>, T>(
  options: WorkspaceActionOptions<Schema>,
  handler: (context: AccountActionContext<z.output<Schema>>) => Promise<T>,
): (input: unknown) => Promise<ActionResult<T>> {
  return defineWorkspaceAction(options, async (context) => {
    const account: WorkspaceAccount | null = await db.ebayAccount.findFirst({
      where: { id: context.input.accountId, workspaceId: context.workspace.id },
      select: WORKSPACE_ACCOUNT_SELECT,
    });
    if (!account) throw new UserFacingError(ACCOUNT_NOT_FOUND_MESSAGE, "not_found");
    return handler({ ...context, account });
  });
}
