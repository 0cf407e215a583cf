/**
 * Only http(s) URLs become links: a thread's `url` is user input (a page's
 * canonical URL as a reader's browser sent it, or a moderator's edit) and
 * could be `javascript:`, which Lit binds into `href` as it is. One check for
 * the cards and the moderation page.
 *
 * @returns the parsed URL, or null when `value` is not an absolute http(s) URL.
 */
export const httpUrl = (value: string | null | undefined): URL | null => {
  try {
    const url = new URL(value ?? '');
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
};
