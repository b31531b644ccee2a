import { z } from "zod";

// Shared by the sign-up form (instant messages) and the server (the authority). No server code here.

// In the browser the Content-Security-Policy forbids eval. zod's compiled object parser would probe for it with
// `new Function`, and the browser reports that probe as a violation even though zod catches the refusal. zod
// chooses per schema when it is built, so this comes before the schemas below.
if (typeof window !== "undefined") z.config({ jitless: true });

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

export const signUpSchema = z.object({
  name: z
    .string({ error: "Enter your name." })
    .trim()
    .min(1, { error: "Enter your name." })
    .max(80, { error: "Use at most 80 characters for your name." }),
  email: z
    .string({ error: "Enter your email address." })
    .trim()
    .toLowerCase()
    .min(1, { error: "Enter your email address." })
    .max(254, { error: "That email address is too long." })
    .pipe(z.email({ error: "Enter a valid email address, like name@example.com." })),
  password: z
    .string({ error: "Choose a password." })
    .min(1, { error: "Choose a password." })
    .min(PASSWORD_MIN_LENGTH, { error: `Use at least ${PASSWORD_MIN_LENGTH} characters for your password.` })
    .max(PASSWORD_MAX_LENGTH, { error: `Use at most ${PASSWORD_MAX_LENGTH} characters for your password.` }),
});

export type SignUpFields = "name" | "email" | "password";
export type SignUpFieldErrors = Partial<Record<SignUpFields, string>>;

/** The first message per field, in the order the form shows the fields. */
export function signUpFieldErrors(error: z.ZodError): SignUpFieldErrors {
  const fieldErrors: SignUpFieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path[0];
    if ((field === "name" || field === "email" || field === "password") && !fieldErrors[field]) {
      fieldErrors[field] = issue.message;
    }
  }
  return fieldErrors;
}
