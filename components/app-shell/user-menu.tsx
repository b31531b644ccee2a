"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { useDisclosure } from "@/components/app-shell/use-disclosure";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

type UserMenuProps = {
  name: string;
  email: string;
  roleLabel: string;
  workspaceName: string;
};

function initialsOf(name: string, email: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 0 ? words.slice(0, 2).map((word) => word[0]) : [email[0]];
  return letters.join("").toUpperCase();
}

export function UserMenu({ name, email, roleLabel, workspaceName }: UserMenuProps) {
  const { open, containerRef, buttonProps, panelProps } = useDisclosure();
  const [signingOut, setSigningOut] = useState(false);
  const [signOutFailed, setSignOutFailed] = useState(false);

  async function handleSignOut() {
    setSigningOut(true);
    setSignOutFailed(false);
    try {
      // No redirect from next-auth: its URL is built from NEXTAUTH_URL, the current origin is what we want.
      await signOut({ redirect: false });
      window.location.assign("/sign-in");
    } catch {
      setSignOutFailed(true);
      setSigningOut(false);
    }
  }

  return (
    <div ref={containerRef} className="relative">
      <button
        {...buttonProps}
        aria-label={`Account menu for ${name}`}
        className={cn(
          "flex items-center gap-2 rounded-full py-1 pr-2 pl-1 text-sm text-gray-700 hover:bg-gray-100",
          "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600",
          open && "bg-gray-100",
        )}
      >
        <span
          aria-hidden="true"
          className="flex size-7 items-center justify-center rounded-full bg-accent-100 text-xs font-semibold text-accent-800"
        >
          {initialsOf(name, email)}
        </span>
        <span className="hidden max-w-40 truncate sm:inline">{name}</span>
        <span aria-hidden="true" className="text-xs text-gray-400">
          ▾
        </span>
      </button>
      <div
        {...panelProps}
        className="absolute right-0 z-30 mt-2 w-64 rounded-lg border border-gray-200 bg-white p-1 shadow-lg"
      >
        <div className="border-b border-gray-200 px-3 py-2.5">
          <p className="truncate text-sm font-medium text-gray-900">{name}</p>
          <p className="truncate text-xs text-gray-500">{email}</p>
          <p className="mt-1 text-xs text-gray-500">
            {roleLabel} in {workspaceName}
          </p>
        </div>
        <div className="p-1">
          <Button href="/account" variant="ghost" size="sm" className="w-full justify-start">
            Your account
          </Button>
          <Button
            variant="ghost"
            size="sm"
            className="w-full justify-start"
            onClick={handleSignOut}
            loading={signingOut}
            loadingLabel="Signing out…"
          >
            Sign out
          </Button>
          {signOutFailed ? (
            <p role="alert" className="px-3 py-1 text-xs text-red-700">
              Sign out did not complete. Try again.
            </p>
          ) : null}
        </div>
      </div>
    </div>
  );
}
