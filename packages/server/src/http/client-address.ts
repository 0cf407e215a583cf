import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** A parsed `PARLEY_TRUSTED_PROXIES` list: IPs and CIDR ranges. */
export class TrustedProxies {
  readonly #ranges: Range[];

  /** @throws {Error} naming the first entry that is not an IP or CIDR. */
  constructor(entries: readonly string[]) {
    this.#ranges = entries.map((entry) => {
      const [address = '', bits] = entry.split('/');
      // ipaddr.js also reads "10" as 0.0.0.10 and "010.0.0.1" as octal 8.0.0.1:
      // a typo must not silently trust another address.
      const plainV4 = ipaddr.IPv4.isValidFourPartDecimal(address);
      if (!plainV4 && !ipaddr.IPv6.isValid(address)) {
        throw new Error(`"${entry}" is not an IP address or CIDR range`);
      }
      try {
        const [ip, prefix] =
          bits === undefined ? [ipaddr.parse(address), undefined] : ipaddr.parseCIDR(entry);
        const mapped = ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress();
        // Peers are compared in IPv4 form, so an IPv4-mapped entry is stored that way too.
        if (mapped)
          return [
            (ip as ipaddr.IPv6).toIPv4Address(),
            prefix === undefined ? 32 : Math.max(0, prefix - 96),
          ] as Range;
        return [ip, prefix ?? (ip.kind() === 'ipv4' ? 32 : 128)] as Range;
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
  // Some proxies write a hop with its port: "192.0.2.1:5678" or "[2001:db8::1]:443".
  const hop = address.trim().replace(/^\[([^\]]+)\](?::\d+)?$|^([\d.]+):\d+$/, '$1$2');
  try {
    const ip = ipaddr.parse(hop);
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
