"use client";

import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { Button, type ButtonSize, type ButtonVariant } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";

type DialogProps = {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  /** Buttons along the bottom. */
  footer?: ReactNode;
  /** While true, Escape and the backdrop do not close (an action is in flight). */
  busy?: boolean;
};

/**
 * A modal built on <dialog>.showModal(): the browser makes the rest of the page inert (focus
 * stays inside), Escape closes it, and focus returns to whatever opened it.
 */
export function Dialog({ open, onClose, title, description, children, footer, busy = false }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
      onClick={(event) => {
        // A click on the backdrop lands on the <dialog> element itself.
        if (event.target === ref.current && !busy) onClose();
      }}
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-lg border border-gray-200 bg-white p-0 text-gray-900 shadow-xl backdrop:bg-gray-900/40"
    >
      <div className="px-5 pt-5 pb-4">
        <h2 id={titleId} className="text-base font-semibold">
          {title}
        </h2>
        {description ? (
          <div id={descriptionId} className="mt-2 text-sm text-gray-600">
            {description}
          </div>
        ) : null}
        {children ? <div className="mt-4">{children}</div> : null}
      </div>
      {footer ? (
        <div className="flex flex-wrap justify-end gap-2 rounded-b-lg border-t border-gray-200 bg-gray-50 px-5 py-3">
          {footer}
        </div>
      ) : null}
    </dialog>
  );
}

type ConfirmOutcome = { ok: true } | { ok: false; error: string } | void;

type ConfirmDialogProps = {
  /** The button that opens the dialog. */
  triggerLabel: ReactNode;
  triggerVariant?: ButtonVariant;
  triggerSize?: ButtonSize;
  /** Accessible name for the trigger when its label alone is ambiguous in a table row. */
  triggerAriaLabel?: string;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  confirmLabel: string;
  /** Spoken while the confirmation runs, e.g. "Disconnecting…". */
  pendingLabel?: string;
  tone?: "danger" | "primary";
  /** Runs on confirm. An { ok: false, error } result keeps the dialog open and shows the error. */
  onConfirm: () => Promise<ConfirmOutcome>;
  disabled?: boolean;
};

export function ConfirmDialog({
  triggerLabel,
  triggerVariant = "secondary",
  triggerSize = "sm",
  triggerAriaLabel,
  title,
  description,
  children,
  confirmLabel,
  pendingLabel,
  tone = "danger",
  onConfirm,
  disabled,
}: ConfirmDialogProps) {
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    setPending(true);
    setError(null);
    try {
      const outcome = await onConfirm();
      if (outcome && !outcome.ok) {
        setError(outcome.error);
        return;
      }
      setOpen(false);
    } catch {
      setError("That did not work. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <>
      <Button
        variant={triggerVariant}
        size={triggerSize}
        aria-label={triggerAriaLabel}
        aria-haspopup="dialog"
        disabled={disabled}
        onClick={() => {
          setError(null);
          setOpen(true);
        }}
      >
        {triggerLabel}
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        busy={pending}
        title={title}
        description={description}
        footer={
          <>
            <Button variant="secondary" onClick={() => setOpen(false)} disabled={pending}>
              Cancel
            </Button>
            <Button variant={tone} onClick={confirm} loading={pending} loadingLabel={pendingLabel}>
              {confirmLabel}
            </Button>
          </>
        }
      >
        {children}
        {error ? (
          <Notice tone="error" className={children ? "mt-4" : undefined}>
            {error}
          </Notice>
        ) : null}
      </Dialog>
    </>
  );
}
