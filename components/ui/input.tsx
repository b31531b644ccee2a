import type { InputHTMLAttributes, Ref, TextareaHTMLAttributes } from "react";
import { cn } from "@/components/ui/cn";

export const CONTROL_CLASSES =
  "block w-full rounded-md border bg-white px-3 text-sm text-gray-900 shadow-sm placeholder:text-gray-400 " +
  "focus:outline-2 focus:outline-offset-0 focus:outline-accent-600 " +
  "disabled:cursor-not-allowed disabled:bg-gray-100 disabled:text-gray-500";

export function controlStateClasses(invalid: boolean | undefined): string {
  return invalid ? "border-red-500 focus:outline-red-600" : "border-gray-300 focus:border-accent-600";
}

type InputProps = InputHTMLAttributes<HTMLInputElement> & { invalid?: boolean; ref?: Ref<HTMLInputElement> };

export function Input({ className, invalid, ...props }: InputProps) {
  return (
    <input
      aria-invalid={invalid || undefined}
      className={cn(CONTROL_CLASSES, "h-9", controlStateClasses(invalid), className)}
      {...props}
    />
  );
}

type TextareaProps = TextareaHTMLAttributes<HTMLTextAreaElement> & { invalid?: boolean; ref?: Ref<HTMLTextAreaElement> };

export function Textarea({ className, invalid, ...props }: TextareaProps) {
  return (
    <textarea
      aria-invalid={invalid || undefined}
      className={cn(CONTROL_CLASSES, "min-h-20 py-2", controlStateClasses(invalid), className)}
      {...props}
    />
  );
}
