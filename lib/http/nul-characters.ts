// PostgreSQL text cannot hold the NUL character (U+0000): a query carrying one fails inside the database (error
// 22021), which an action would answer as an unexpected error. Anyone can post anything to a server action, so
// the action wrappers, the API and the routes taking ids refuse such input before it reaches a query.

export const NUL_CHARACTER_MESSAGE = "Remove the invisible NUL character from what you entered.";

export function containsNulCharacter(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (depth > 20 || value === null || typeof value !== "object") return false;
  if (typeof FormData !== "undefined" && value instanceof FormData) {
    for (const [key, entry] of value.entries()) if (key.includes("\u0000") || (typeof entry === "string" && entry.includes("\u0000"))) return true;
    return false;
  }
  for (const [key, entry] of Object.entries(value)) {
    if (key.includes("\u0000") || containsNulCharacter(entry, depth + 1)) return true;
  }
  return false;
}
