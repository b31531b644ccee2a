import type { DefaultSession } from "next-auth";

declare module "next-auth" {
  interface Session {
    /** sessionVersion: the user's session version when this session was made (lib/auth/session.ts compares it). */
    user: DefaultSession["user"] & { id: string; sessionVersion: number };
  }
  interface User {
    sessionVersion?: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    /** The user's session version at sign-in. */
    sv?: number;
  }
}
