// Against the emulator: creates the demo user and workspace offered on the sign-in page, when missing.
// Idempotent: an existing demo user is left as it is (its workspace, accounts and history too).
// With real eBay keys: removes the demo user (its password is published) and the workspace only it belonged to.
//   tsx scripts/seed-demo.ts
import { db } from "@/lib/db";
import { DEMO_ACCOUNT, demoAccountAllowed, retireDemoAccount } from "@/lib/auth/demo-account";
import { hashPassword } from "@/lib/auth/password";

async function seedDemo(): Promise<"created" | "exists"> {
  const existing = await db.user.findUnique({ where: { email: DEMO_ACCOUNT.email }, select: { id: true } });
  if (existing) {
    const memberships = await db.membership.count({ where: { userId: existing.id } });
    if (memberships > 0) return "exists";
  }

  const passwordHash = await hashPassword(DEMO_ACCOUNT.password);
  await db.$transaction(async (tx) => {
    const user =
      existing ??
      (await tx.user.create({
        data: { email: DEMO_ACCOUNT.email, name: DEMO_ACCOUNT.name, passwordHash },
        select: { id: true },
      }));
    const workspace = await tx.workspace.create({ data: { name: DEMO_ACCOUNT.workspaceName }, select: { id: true } });
    await tx.membership.create({ data: { userId: user.id, workspaceId: workspace.id, role: "owner" } });
    // Written directly: lib/audit/record.ts is server-only and this runs as a plain script.
    await tx.auditEvent.create({
      data: {
        workspaceId: workspace.id,
        actorUserId: user.id,
        actorLabel: "setup",
        action: "sign_up",
        outcome: "success",
        detail: "Demo workspace created for the emulated eBay.",
      },
    });
  });
  return "created";
}

async function main(): Promise<string> {
  if (!demoAccountAllowed()) {
    const retired = await retireDemoAccount(db);
    return retired.removed
      ? `eBay keys are set: the demo user ${DEMO_ACCOUNT.email} was removed (with ${retired.workspacesRemoved} workspace(s) only it belonged to).`
      : "";
  }
  const outcome = await seedDemo();
  return outcome === "created"
    ? `Demo workspace created: sign in as ${DEMO_ACCOUNT.email}.`
    : `Demo workspace already present (${DEMO_ACCOUNT.email}).`;
}

main()
  .then((message) => {
    if (message) console.log(message);
  })
  .catch((error: unknown) => {
    console.error("Could not create the demo workspace:", error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(() => db.$disconnect());
