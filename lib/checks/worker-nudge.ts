// Lets code that creates or cancels a run wake this process's run worker at once instead of at its next poll.
// (Other processes pick the run up at their next poll: the database is the only thing they share.)
const nudges = new Set<() => void>();

export function onCheckRunNudge(listener: () => void): () => void {
  nudges.add(listener);
  return () => nudges.delete(listener);
}

export function nudgeCheckRunWorker(): void {
  for (const listener of nudges) listener();
}
