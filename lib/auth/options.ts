import type { AuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "@/lib/db";
import { authenticateWithPassword } from "@/lib/auth/credentials";
import { clientIpFrom } from "@/lib/auth/client-ip";
import { getNextAuthSecret } from "@/lib/auth/secret";
import { recordUserAuditEvent } from "@/lib/auth/user-audit";
import { logUnexpectedError, unexpectedErrorMessage } from "@/lib/actions/log-unexpected-error";

const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

/**
 * The credentials provider's check: next-auth calls it with the sign-in form's fields and the request's headers
 * (a plain object). Resolves to the user, or throws the message the form shows.
 */
export async function authorizeEmailAndPassword(
  credentials: Partial<Record<"email" | "password", string>> | undefined,
  request: { headers?: Record<string, string | string[] | undefined> } | undefined,
): Promise<User> {
  let result: Awaited<ReturnType<typeof authenticateWithPassword>>;
  try {
    result = await authenticateWithPassword({
      email: credentials?.email,
      password: credentials?.password,
      ip: clientIpFrom(request?.headers),
    });
  } catch (error) {
    // next-auth would hand the raw message to the browser: log it, show an id.
    throw new Error(unexpectedErrorMessage(logUnexpectedError("sign-in", error)));
  }
  // next-auth hands a thrown message to the client's signIn() as `error`: the form shows it as is.
  if (!result.ok) throw new Error(result.message);
  return { id: result.user.id, email: result.user.email, name: result.user.name, sessionVersion: result.user.sessionVersion };
}

export const authOptions: AuthOptions = {
  // Read on use, not at import: `next build` imports this module and must not create the secret file.
  get secret() {
    return getNextAuthSecret();
  },
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      authorize: authorizeEmailAndPassword,
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.email = user.email;
        token.name = user.name;
        // Which generation of this user's sessions this one belongs to: raising User.sessionVersion ends it.
        token.sv = user.sessionVersion ?? 0;
      }
      return token;
    },
    async session({ session, token }) {
      if (session.user && token.sub) {
        session.user.id = token.sub;
        session.user.sessionVersion = token.sv ?? 0;
      }
      return session;
    },
  },
  events: {
    async signOut({ token }) {
      const userId = token?.sub;
      if (!userId) return;
      try {
        await recordUserAuditEvent(db, userId, {
          actorLabel: typeof token.email === "string" ? token.email : "unknown user",
          action: "sign_out",
          outcome: "success",
          detail: "Signed out.",
        });
      } catch (error) {
        // Signing out must still work when the history cannot be written.
        logUnexpectedError("sign-out audit", error);
      }
    },
  },
};
