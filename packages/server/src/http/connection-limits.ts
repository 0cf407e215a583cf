import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { clientOfAddress, type TrustedProxies } from './client-address.ts';

/**
 * How long a connection may make no progress (nothing read from it, no write
 * to it completed) before it is destroyed. Node postpones the timeout once
 * when a write was still draining when it fired, so a stuck connection goes
 * after 30 to 60 s. A client that sends pipelined
 * requests and never reads the answers otherwise pins their buffered pages
 * for as long as it likes. Live event streams are not idle: they write a
 * `: ping` comment every `live.heartbeatMs` (20 s), so this bound stays
 * comfortably above that; a stream whose client takes no writes is dropped
 * by `events/stream.ts` sooner anyway (its write timeout, 10 s).
 */
const IDLE_SOCKET_MS = 30_000;

/**
 * Open connections one client (an IPv4 address or an IPv6 /64, as
 * `clientOfAddress` counts them) may hold: well above what a browser opens
 * (6 per host) plus its live streams (16 per client).
 */
export const MAX_CONNECTIONS_PER_CLIENT = 64;

/** Options for {@link limitConnections}. */
export interface ConnectionLimits {
  /** Peers exempt from the per-client cap (`PARLEY_TRUSTED_PROXIES`). */
  trusted: TrustedProxies;
  /** {@link IDLE_SOCKET_MS}. */
  idleMs?: number;
  /** {@link MAX_CONNECTIONS_PER_CLIENT}. */
  maxPerClient?: number;
}

/**
 * Bounds what one client can hold on `server`:
 * - Node's `server.timeout`: a socket with no activity for `idleMs` is
 *   destroyed (Node's http server does that when nobody listens for
 *   'timeout'). Activity is a chunk read or a write that completed; a write
 *   stuck behind a client that does not read is none.
 * - at most `maxPerClient` open connections per direct peer; the one over it
 *   is destroyed at once. A trusted proxy carries many readers and is not
 *   capped: it must limit its own clients (nginx: `limit_conn`).
 */
export function limitConnections(server: Server, limits: ConnectionLimits): void {
  server.timeout = limits.idleMs ?? IDLE_SOCKET_MS;
  const max = limits.maxPerClient ?? MAX_CONNECTIONS_PER_CLIENT;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const peer = socket.remoteAddress;
    if (!peer || limits.trusted.has(peer)) return;
    const client = clientOfAddress(peer);
    const count = open.get(client) ?? 0;
    if (count >= max) {
      socket.destroy();
      return;
    }
    open.set(client, count + 1);
    socket.once('close', () => {
      const left = (open.get(client) ?? 1) - 1;
      if (left > 0) open.set(client, left);
      else open.delete(client);
    });
  });
}

/**
 * Requests one connection may have waiting for their answers at once. Node
 * stops reading a connection whose answers back up, but every request
 * already in the chunk it read (64 KB: hundreds of small pipelined GETs) is
 * run, each answer queued in memory until the client reads the ones before.
 * A browser never pipelines; the connection over this is destroyed.
 */
export const MAX_PIPELINED = 16;

const waiting = new WeakMap<Socket, number>();

/**
 * Counts one more request waiting on `incoming`'s connection until `outgoing`
 * closes. False (and the connection destroyed) when it is one over `max`.
 */
export function admitPipelined(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  max = MAX_PIPELINED,
): boolean {
  const socket = incoming.socket;
  const count = waiting.get(socket) ?? 0;
  if (count >= max) {
    socket.destroy();
    return false;
  }
  waiting.set(socket, count + 1);
  outgoing.once('close', () => waiting.set(socket, (waiting.get(socket) ?? 1) - 1));
  return true;
}
