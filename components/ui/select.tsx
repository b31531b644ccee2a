import type { Ref, SelectHTMLAttributes } from "react";
import { cn } from "@/components/ui/cn";
import { CONTROL_CLASSES, controlStateClasses } from "@/components/ui/input";

type SelectProps = SelectHTMLAttributes<HTMLSelectElement> & { invalid?: boolean; ref?: Ref<HTMLSelectElement> };

export function Select({ className, invalid, children, ...props }: SelectProps) {
  return (
    <select
      aria-invalid={invalid || undefined}
      className={cn(CONTROL_CLASSES, "h-9 pr-8", controlStateClasses(invalid), className)}
      {...props}
    >
      {children}
    </select>
  );
}
