"use client";

import { useDisclosure } from "@/components/app-shell/use-disclosure";
import { cn } from "@/components/ui/cn";
import { switchWorkspace } from "@/lib/actions/switch-workspace";

type WorkspaceOption = { id: string; name: string; roleLabel: string };

type WorkspaceSwitcherProps = {
  current: { id: string; name: string };
  workspaces: WorkspaceOption[];
};

/** The current workspace's name; with several memberships, a list to switch between them. */
export function WorkspaceSwitcher({ current, workspaces }: WorkspaceSwitcherProps) {
  const { open, containerRef, buttonProps, panelProps } = useDisclosure();

  if (workspaces.length < 2) {
    return (
      // On phones the name moves into the user menu ("Owner in …") to keep the header on one line.
      <span className="hidden max-w-48 truncate text-sm font-medium text-gray-700 md:inline" title="Workspace">
        {current.name}
      </span>
    );
  }

  return (
    <div ref={containerRef} className="relative">
      <button
        {...buttonProps}
        aria-label={`Workspace: ${current.name}. Switch workspace`}
        className={cn(
          "flex max-w-32 items-center sm:max-w-56 gap-1.5 rounded-md border border-gray-300 bg-white px-2.5 py-1 text-sm font-medium text-gray-800 shadow-sm hover:bg-gray-50",
          "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600",
          open && "bg-gray-50",
        )}
      >
        <span className="truncate">{current.name}</span>
        <span aria-hidden="true" className="text-xs text-gray-400">
          ▾
        </span>
      </button>
      <div
        {...panelProps}
        className="absolute right-0 z-30 mt-2 w-72 rounded-lg border border-gray-200 bg-white p-1 shadow-lg"
      >
        <p className="px-3 pt-2 pb-1 text-xs font-semibold tracking-wide text-gray-500 uppercase">Switch workspace</p>
        <form action={switchWorkspace}>
          <ul className="space-y-0.5">
            {workspaces.map((workspace) => {
              const isCurrent = workspace.id === current.id;
              return (
                <li key={workspace.id}>
                  <button
                    type="submit"
                    name="workspaceId"
                    value={workspace.id}
                    aria-current={isCurrent ? "true" : undefined}
                    className={cn(
                      "flex w-full items-center justify-between gap-3 rounded-md px-3 py-2 text-left text-sm",
                      "focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-accent-600",
                      isCurrent ? "bg-accent-50 text-accent-800" : "text-gray-800 hover:bg-gray-100",
                    )}
                  >
                    <span className="min-w-0">
                      <span className="block truncate font-medium">{workspace.name}</span>
                      <span className="block text-xs text-gray-500">{workspace.roleLabel}</span>
                    </span>
                    {isCurrent ? (
                      <span aria-hidden="true" className="text-accent-600">
                        ✓
                      </span>
                    ) : null}
                  </button>
                </li>
              );
            })}
          </ul>
        </form>
      </div>
    </div>
  );
}
