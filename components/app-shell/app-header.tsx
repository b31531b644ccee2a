import Link from "next/link";
import { EbayModeBadge } from "@/components/app-shell/ebay-mode-badge";
import { MainNav } from "@/components/app-shell/main-nav";
import { UserMenu } from "@/components/app-shell/user-menu";
import { WorkspaceSwitcher } from "@/components/app-shell/workspace-switcher";
import { NotificationsLink } from "@/components/warnings/notifications-link";
import { ROLE_LABELS, type Role } from "@/lib/auth/roles";

type AppHeaderProps = {
  user: { name: string; email: string };
  workspace: { id: string; name: string };
  role: Role;
  memberships: Array<{ workspace: { id: string; name: string }; role: Role }>;
};

export function AppHeader({ user, workspace, role, memberships }: AppHeaderProps) {
  return (
    <header className="sticky top-0 z-20 border-b border-gray-200 bg-white/95 backdrop-blur supports-[backdrop-filter]:bg-white/80">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-3 gap-y-0 sm:gap-x-6 px-4 sm:px-6 lg:px-8">
        <div className="flex min-h-14 items-center gap-2 sm:gap-3">
          <Link
            href="/accounts"
            className="flex items-center gap-2 rounded-md text-base font-semibold tracking-tight text-gray-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
          >
            <span
              aria-hidden="true"
              className="flex size-7 items-center justify-center rounded-md bg-accent-600 text-xs font-bold text-white"
            >
              CK
            </span>
            ChannelKeys
          </Link>
          <EbayModeBadge />
        </div>
        <div className="order-last w-full sm:order-none sm:w-auto sm:flex-1 sm:self-end">
          <MainNav />
        </div>
        <div className="ml-auto flex min-h-14 items-center gap-2 sm:ml-0 sm:gap-3">
          <NotificationsLink workspaceId={workspace.id} />
          <WorkspaceSwitcher
            current={workspace}
            workspaces={memberships.map((membership) => ({
              id: membership.workspace.id,
              name: membership.workspace.name,
              roleLabel: ROLE_LABELS[membership.role],
            }))}
          />
          <UserMenu name={user.name} email={user.email} roleLabel={ROLE_LABELS[role]} workspaceName={workspace.name} />
        </div>
      </div>
    </header>
  );
}
