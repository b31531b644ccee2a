import { Notice, type NoticeTone } from "@/components/ui/notice";
import type { Notice as AccountNotice } from "@/lib/accounts/notices";

const TONES: Record<AccountNotice["tone"], NoticeTone> = { good: "success", bad: "error", warn: "warning", info: "info" };

/** The outcome of an eBay round trip (connect, re-create, decline), shown once at the top of the page. */
export function RedirectNotice({ notice }: { notice: AccountNotice | null }) {
  if (!notice) return null;
  return (
    <Notice tone={TONES[notice.tone]} title={notice.title} className="mb-4">
      {notice.message}
    </Notice>
  );
}
