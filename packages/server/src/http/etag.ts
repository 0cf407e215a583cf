/**
 * Whether an `If-None-Match` header matches `etag`, by the weak comparison
 * RFC 9110 prescribes for it: `W/` prefixes are ignored, a list matches if any
 * member does, and `*` matches anything.
 */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === wanted);
}
