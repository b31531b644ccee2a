import { Spinner } from "@/components/ui/spinner";

const SKELETON_ROWS = 8;

export default function AuditLoading() {
  return (
    <div aria-busy="true">
      <div className="mb-6">
        <h1 className="text-2xl font-semibold tracking-tight text-gray-900">Audit history</h1>
        <div className="mt-2 flex items-center gap-2 text-sm text-gray-600">
          <Spinner label="Loading audit history" /> Loading events…
        </div>
      </div>
      <div aria-hidden="true" className="mb-4 h-20 animate-pulse rounded-lg border border-gray-200 bg-white motion-reduce:animate-none" />
      <div aria-hidden="true" className="overflow-hidden rounded-lg border border-gray-200 bg-white">
        {Array.from({ length: SKELETON_ROWS }, (_, row) => (
          <div key={row} className="flex gap-4 border-b border-gray-100 px-4 py-4 last:border-b-0">
            <div className="h-4 w-24 animate-pulse rounded bg-gray-100 motion-reduce:animate-none" />
            <div className="h-4 w-40 animate-pulse rounded bg-gray-100 motion-reduce:animate-none" />
            <div className="h-4 w-28 animate-pulse rounded bg-gray-100 motion-reduce:animate-none" />
            <div className="h-4 flex-1 animate-pulse rounded bg-gray-100 motion-reduce:animate-none" />
          </div>
        ))}
      </div>
    </div>
  );
}
