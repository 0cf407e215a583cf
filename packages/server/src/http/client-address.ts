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

/**
 * Parses an address as `clientAddress` returns it. IPv6 forms that carry an
 * IPv4 address are that address: IPv4-mapped (`::ffff:a.b.c.d`), NAT64's
 * well-known prefix (`64:ff9b::a.b.c.d`, RFC 6052) and 6to4 (`2002:AABB:CCDD::/48`,
 * RFC 3056), or one IPv4 host would count as two or three clients.
 * Undefined when it is not an IP.
 */
function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  // ipaddr.js reads "10" as 0.0.0.10: only the plain four-part form is IPv4 here.
  if (!ipaddr.IPv4.isValidFourPartDecimal(address) && !ipaddr.IPv6.isValid(address)) {
    return undefined;
  }
  const ip = normalize(address);
  if (ip?.kind() !== 'ipv6') return ip;
  const v6 = ip as ipaddr.IPv6;
  const [, w1 = 0, w2 = 0, , , , w6 = 0, w7 = 0] = v6.parts;
  const range = v6.range();
  if (range === 'rfc6052') return ipv4Of(w6, w7);
  if (range === '6to4') return ipv4Of(w1, w2);
  return v6;
}

/** The IPv4 address held in two 16-bit words. */
function ipv4Of(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/** The address with every bit past the first `bits` cleared, in canonical form. */
function prefixOf(ip: ipaddr.IPv4 | ipaddr.IPv6, bits: number): string {
  const bytes = ip.toByteArray();
  const kept = bytes.map((byte, i) => {
    const left = bits - i * 8;
    return left >= 8 ? byte : left <= 0 ? 0 : byte & (0xff << (8 - left));
  });
  return `${ipaddr.fromByteArray(kept).toString()}/${bits}`;
}

/**
 * The client an address belongs to, as every limit in Parley counts them: an
 * IPv4 address is one client, and an IPv6 address stands for its /64, since
 * one home or one server is routinely given a whole /64 and can pick any of
 * its 2^64 addresses per request. IPv6 that carries an IPv4 address
 * (IPv4-mapped, NAT64, 6to4) is that IPv4 address. An address that does not
 * parse is its own client, as given.
 */
export function clientOfAddress(address: string): string {
  const ip = parseAddress(address);
  if (!ip) return address;
  return ip.kind() === 'ipv4' ? ip.toString() : prefixOf(ip, 64);
}

/**
 * The network an address belongs to, for counting readers' reports: an IPv4
 * /24 or an IPv6 /48 (a typical site or customer allocation), so that one
 * party with a handful of neighbouring addresses weighs as one. IPv6 that
 * carries an IPv4 address counts in that address's /24. An address that does
 * not parse is its own network, as given.
 */
export function networkOfAddress(address: string): string {
  const ip = parseAddress(address);
  if (!ip) return address;
  return prefixOf(ip, ip.kind() === 'ipv4' ? 24 : 48);
}
