// Tags on accounts: short lower-case labels ("agency-a", "eu", "vip") a seller groups accounts by. The accounts
// table, the timeline, bulk checks and the API filter by one. No server code here: client components validate with it.
export const MAX_TAGS_PER_ACCOUNT = 20;
export const MAX_TAG_LENGTH = 32;
const TAG_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

export const TAG_RULES = `Up to ${MAX_TAGS_PER_ACCOUNT} tags of up to ${MAX_TAG_LENGTH} characters: letters, digits, '.', '_' and '-'.`;

/** The tag a seller typed, as stored (trimmed, lower case), or null when it cannot be a tag. */
export function normalizeTag(value: string): string | null {
  const tag = value.trim().toLowerCase();
  if (tag.length === 0 || tag.length > MAX_TAG_LENGTH || !TAG_PATTERN.test(tag)) return null;
  return tag;
}

/** "eu, VIP  agency-a" -> ["agency-a", "eu", "vip"]; throws a message naming the first bad one. */
export function parseTagList(value: string | string[]): string[] {
  const parts = (Array.isArray(value) ? value : value.split(/[\s,;]+/)).map((part) => part.trim()).filter(Boolean);
  const tags: string[] = [];
  for (const part of parts) {
    const tag = normalizeTag(part);
    if (!tag) throw new TagError(`"${part.slice(0, 40)}" is not a valid tag. ${TAG_RULES}`);
    if (!tags.includes(tag)) tags.push(tag);
  }
  if (tags.length > MAX_TAGS_PER_ACCOUNT) throw new TagError(`At most ${MAX_TAGS_PER_ACCOUNT} tags per account.`);
  return tags.sort();
}

export class TagError extends Error {
  override name = "TagError";
}
