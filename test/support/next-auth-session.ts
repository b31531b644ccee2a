import type { Session } from "next-auth";

/**
 * next-auth with getServerSession answering for whoever the test says is signed in. Tests replace
 * only this edge of Next.js; membership, roles and data run for real. Use from a vi.mock factory:
 *   vi.mock("next-auth", async (importOriginal) =>
 *     (await import("@/test/support/next-auth-session")).withSignedInUser(await importOriginal(), () => state.userId));
 */
export function withSignedInUser<NextAuth extends object>(
  actual: NextAuth,
  currentUserId: () => string | null,
  email = "x@example.test",
): NextAuth & { getServerSession: () => Promise<Session | null> } {
  return {
    ...actual,
    getServerSession: async (): Promise<Session | null> => {
      const userId = currentUserId();
      return userId ? { user: { id: userId, email, name: email.split("@")[0]!, sessionVersion: 0 }, expires: "2999-01-01T00:00:00.000Z" } : null;
    },
  };
}
