import type { ReactNode } from "react";
import { AppHeader } from "@/components/app-shell/app-header";
import { SkipLink } from "@/components/app-shell/skip-link";
import { WarningBanner } from "@/components/warnings/warning-banner";
import { listMemberships, requireWorkspace } from "@/lib/auth/session";

// Every page in here is per-user and per-workspace: never prerendered, never cached across users.
export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const { user, workspace, role } = await requireWorkspace();
  const memberships = await listMemberships(user.id);

  return (
    <div className="flex min-h-dvh flex-col">
      <SkipLink />
      <AppHeader user={user} workspace={workspace} role={role} memberships={memberships} />
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 focus:outline-none sm:px-6 lg:px-8 lg:py-8">
        <WarningBanner workspaceId={workspace.id} />
        {children}
      </main>
    </div>
  );
}
