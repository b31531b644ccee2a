import type { LabelHTMLAttributes } from "react";
import { cn } from "@/components/ui/cn";

type LabelProps = LabelHTMLAttributes<HTMLLabelElement> & { optional?: boolean };

export function Label({ className, children, optional, ...props }: LabelProps) {
  return (
    <label className={cn("block text-sm font-medium text-gray-800", className)} {...props}>
      {children}
      {optional ? <span className="ml-1 font-normal text-gray-500">(optional)</span> : null}
    </label>
  );
}
