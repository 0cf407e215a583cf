/**
 * The token of an `Authorization: Bearer <token>` header: undefined when
 * there is no header, null when it uses another scheme or is malformed.
 */
export function bearerToken(header: string | undefined): string | null | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header);
  return match ? (match[1] as string) : null;
}
