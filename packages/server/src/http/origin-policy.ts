import type { AppConfig } from '../app-deps.ts';

/**
 * Normalises an origin or URL to `scheme://host[:port]`, lowercase, default
 * port dropped, or returns undefined when it is not an http(s) origin.
 */
export function normalizeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

/** Host names that all mean "this machine", as a browser on it may write them. */
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];
/** Addresses a server listens on to take every interface. */
const WILDCARD_HOSTS = ['0.0.0.0', '[::]'];

/**
 * The server's own origins: the origin of its public URL (`PARLEY_PUBLIC_URL`,
 * else the address `main` listens on). A loopback or wildcard host stands for
 * every loopback name on the same port, so `/admin` opened as
 * `http://localhost:8787` works on a server listening on 127.0.0.1:8787.
 *
 * Why never the `Host` header: any client sets it, so an origin built from it
 * would let `Host: evil.example` with `Origin: http://evil.example` pass as
 * the server itself, and put evil.example links on threads.
 */
export function ownOrigins(publicUrl: string | undefined): readonly string[] {
  const origin = publicUrl === undefined ? undefined : normalizeOrigin(publicUrl);
  if (origin === undefined) return [];
  const url = new URL(origin);
  if (!LOOPBACK_HOSTS.includes(url.hostname) && !WILDCARD_HOSTS.includes(url.hostname)) {
    return [origin];
  }
  const port = url.port ? `:${url.port}` : '';
  return [origin, ...LOOPBACK_HOSTS.map((host) => `${url.protocol}//${host}${port}`)];
}

/** Own origins per config object: computed once, not on every request. */
const ownOriginsByConfig = new WeakMap<AppConfig, readonly string[]>();

/**
 * Whether pages on `origin` (or a URL on it) may embed Parley and write
 * through it: the server's own origins (see {@link ownOrigins}) always, others
 * when listed in `PARLEY_ORIGINS`, or any when that is `*`. Nothing of the
 * request decides it.
 */
export function isAllowedOrigin(origin: string, config: AppConfig): boolean {
  const normalized = normalizeOrigin(origin);
  if (normalized === undefined) return false;
  if (config.origins === '*') return true;
  return ownOriginsOf(config).includes(normalized) || config.origins.includes(normalized);
}

/** The server's own origins for a config: `publicUrl`, else `listenUrl` (cached). */
function ownOriginsOf(config: AppConfig): readonly string[] {
  let own = ownOriginsByConfig.get(config);
  if (own === undefined) {
    own = ownOrigins(config.publicUrl ?? config.listenUrl);
    ownOriginsByConfig.set(config, own);
  }
  return own;
}

/** `decodeURIComponent`, or the text as it is when it is not valid percent-encoding. */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Whether `url` is one of this server's own API paths (`/api/...` on any of
 * its origins, the listen address's included, also under PARLEY_PUBLIC_URL's
 * path). Decoded and lowercased before the test, so `/%61pi/` or `/API/` is
 * caught too. A thread's url never is one: fetching the server's own event
 * stream would hold a check for its whole timeout.
 */
function isOwnApiUrl(url: string, config: AppConfig): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  const own = [...ownOriginsOf(config), ...ownOrigins(config.listenUrl)];
  if (!own.includes(target.origin)) return false;
  const path = safeDecode(target.pathname).toLowerCase();
  const base = config.publicUrl ? new URL(config.publicUrl).pathname.replace(/\/?$/, '/') : '/';
  return [`/api`, `${base.toLowerCase()}api`].some(
    (prefix) => path === prefix || path.startsWith(`${prefix}/`),
  );
}

/**
 * Whether `url` may be a thread's url: on an origin listed in
 * `PARLEY_ORIGINS` (any with `*`), or on `PARLEY_PUBLIC_URL`'s origin where
 * that is set, and never one of the server's own API paths. Unlike
 * {@link isAllowedOrigin}, the address the server listens on does not count:
 * it is where /admin writes from, not a page threads are on.
 */
export function isThreadUrl(url: string, config: AppConfig): boolean {
  const origin = normalizeOrigin(url);
  if (origin === undefined || isOwnApiUrl(url, config)) return false;
  if (config.origins === '*') return true;
  const publicOrigin =
    config.publicUrl === undefined ? undefined : normalizeOrigin(config.publicUrl);
  return config.origins.includes(origin) || origin === publicOrigin;
}
