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

/**
 * Whether pages on `origin` may embed Parley and write through it. The
 * server's own origin is always allowed; others must be listed in
 * `PARLEY_ORIGINS`, unless that is `*`.
 */
export function isAllowedOrigin(origin: string, ownOrigin: string, config: AppConfig): boolean {
  const normalized = normalizeOrigin(origin);
  if (normalized === undefined) return false;
  if (config.origins === '*' || normalized === ownOrigin) return true;
  return config.origins.includes(normalized);
}
