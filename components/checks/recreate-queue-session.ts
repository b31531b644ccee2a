// The browser remembers which re-create queue it is walking, so the account page eBay redirects back to can
// offer "Next account in queue". The queue itself lives on the server (derived from the run); this is only
// the way back to it, per browser tab.
const KEY = "channelkeys.recreateQueue";

export function rememberRecreateQueue(runId: string): void {
  try {
    window.sessionStorage.setItem(KEY, runId);
  } catch {
    // Storage refused (private mode quotas): the queue page is still reachable from the run.
  }
}

export function rememberedRecreateQueue(): string | null {
  try {
    return window.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function forgetRecreateQueue(): void {
  try {
    window.sessionStorage.removeItem(KEY);
  } catch {
    // nothing to forget
  }
}
