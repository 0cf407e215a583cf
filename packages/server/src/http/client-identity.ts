import { createHmac } from 'node:crypto';
import type { Context } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { clientAddress, clientOfAddress, networkOfAddress } from './client-address.ts';
import { ClientHasher } from './client-hash.ts';

/** The keyed hash of a request's client, or null when its address is unknown. */
export type ClientIdentifier = (c: Context, now: Date) => Promise<string | null>;

/**
 * Who a request comes from, in the clear: its client (an IPv4 address or an
 * IPv6 /64) and its network (an IPv4 /24 or an IPv6 /48). Never stored or
 * logged: only keyed hashes of these are (see {@link keyedHash}).
 */
export interface ClientIdentity {
  client: string;
  network: string;
}

/** The request's {@link ClientIdentity}, or null when its address is unknown. */
export type ClientLocator = (c: Context) => ClientIdentity | null;

/** The Node socket's remote address, when Hono runs on @hono/node-server. */
function socketAddress(c: Context): string | undefined {
  return (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
    ?.socket?.remoteAddress;
}

/**
 * Finds a request's client the way every limit in Parley does: the address
 * from the socket (or the trusted proxies' `X-Forwarded-For`), then the
 * client and network it belongs to.
 */
export function clientLocator(deps: AppDeps): ClientLocator {
  const peerAddress = deps.peerAddress ?? socketAddress;
  return (c) => {
    const address = clientAddress(
      peerAddress(c),
      c.req.header('X-Forwarded-For'),
      deps.config.trustedProxies,
    );
    return address
      ? { client: clientOfAddress(address), network: networkOfAddress(address) }
      : null;
  };
}

/**
 * Identifies clients the way every limit in Parley does: the request's client
 * (see {@link clientLocator}; one IPv6 /64 is one client), then its keyed hash
 * under the server secret and the day's salt. One per app, so every route
 * shares the salt cache.
 */
export function clientIdentifier(deps: AppDeps, secret: string): ClientIdentifier {
  const locate = clientLocator(deps);
  const hasher = new ClientHasher(deps.store, secret);
  return async (c, now) => {
    const identity = locate(c);
    return identity ? hasher.hash(identity.client, now) : null;
  };
}

/**
 * HMAC-SHA256(secret, `purpose:value`): a stable key for `value` that only
 * this server can compute, and that differs per purpose, so keys made for one
 * use cannot be linked to another's. Unlike the daily client hash it never
 * rotates: use it for what must outlive a day (a reader's report of one
 * message) or that lives only briefly (an hour's rate limit).
 */
export function keyedHash(secret: string, purpose: string, value: string): string {
  return createHmac('sha256', secret).update(`${purpose}:${value}`).digest('base64url');
}
