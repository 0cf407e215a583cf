import type { Context } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { clientAddress } from './client-address.ts';
import { ClientHasher } from './client-hash.ts';

/** The keyed hash of a request's client, or null when its address is unknown. */
export type ClientIdentifier = (c: Context, now: Date) => Promise<string | null>;

/** The Node socket's remote address, when Hono runs on @hono/node-server. */
export function socketAddress(c: Context): string | undefined {
  return (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
    ?.socket?.remoteAddress;
}

/**
 * Identifies clients the way every limit in Parley does: the address from the
 * socket (or the trusted proxies' `X-Forwarded-For`), then its keyed hash. One
 * per app, so every route shares the salt cache.
 */
export function clientIdentifier(deps: AppDeps): ClientIdentifier {
  const peerAddress = deps.peerAddress ?? socketAddress;
  const hasher = new ClientHasher(deps.store);
  return async (c, now) => {
    const address = clientAddress(
      peerAddress(c),
      c.req.header('X-Forwarded-For'),
      deps.config.trustedProxies,
    );
    return address ? hasher.hash(address, now) : null;
  };
}
