/**
 * Absolute URLs of the server's own pages, for links that leave it: mail,
 * the thread pages' canonical links and JSON-LD, feeds. The base is
 * `PARLEY_PUBLIC_URL`, else the address `main` listens on; the `Host`
 * header never decides it.
 */
import type { AppConfig } from '../app-deps.ts';

/** `url` with `path` under it (a public URL may have a path: `https://example.com/comments/`). */
export function under(base: string, path: string, query: Record<string, string> = {}): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/?$/, '/')}${path}`;
  url.search = '';
  url.hash = '';
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.href;
}

/** The server's public base URL, or undefined when neither it nor the listening address is known (in-process tests). */
export function publicBase(config: Pick<AppConfig, 'publicUrl' | 'listenUrl'>): string | undefined {
  return config.publicUrl ?? config.listenUrl;
}

/**
 * The path, under the public base, of a thread's page (`threads/<key>`) or of
 * its feed (`threads/<key>/feed.atom`): the key travels as one URL-encoded
 * segment, as in the API.
 */
export function threadPath(key: string, sub?: 'feed.atom'): string {
  return `threads/${encodeURIComponent(key)}${sub ? `/${sub}` : ''}`;
}

/** Absolute URL of `path` under the public base, or `/path` when no base is known. */
export function ownUrl(config: Pick<AppConfig, 'publicUrl' | 'listenUrl'>, path: string): string {
  const base = publicBase(config);
  return base ? under(base, path) : `/${path}`;
}
