import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** A parsed `PARLEY_TRUSTED_PROXIES` list: IPs and CIDR ranges. */
export class TrustedProxies {
  readonly #ranges: Range[];

  /** @throws {Error} naming the first entry that is not an IP or CIDR. */
  constructor(entries: readonly string[]) {
    this.#ranges = entries.map((entry) => {
      try {
        if (entry.includes('/')) return ipaddr.parseCIDR(entry);
        const ip = ipaddr.parse(entry);
        return [ip, ip.kind() === 'ipv4' ? 32 : 128] as Range;
      } catch {
        throw new Error(`"${entry}" is not an IP address or CIDR range`);
      }
    });
  }

  /** Whether this address belongs to a configured proxy. */
  has(address: string): boolean {
    if (this.#ranges.length === 0) return false;
    const ip = normalize(address);
    if (!ip) return false;
    return this.#ranges.some(
      ([range, bits]) => ip.kind() === range.kind() && ip.match(range, bits),
    );
  }
}

function normalize(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  try {
    const ip = ipaddr.parse(address.trim());
    // Dual-stack sockets report IPv4 peers as ::ffff:a.b.c.d.
    return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()
      ? (ip as ipaddr.IPv6).toIPv4Address()
      : ip;
  } catch {
    return undefined;
  }
}

/**
 * The client's address. `X-Forwarded-For` is believed only when the peer is a
 * trusted proxy, and then only up to the rightmost hop that is not itself a
 * trusted proxy: anything left of that was written by the client and can be
 * forged to dodge rate limits.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | undefined,
  trusted: TrustedProxies,
): string | undefined {
  if (!peer) return undefined;
  let client = normalize(peer)?.toString() ?? peer;
  if (!forwardedFor || !trusted.has(client)) return client;
  const hops = forwardedFor
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalize(hops[i]!);
    if (!hop) return client;
    client = hop.toString();
    if (!trusted.has(client)) return client;
  }
  return client;
}
