import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clientAddress,
  clientOfAddress,
  networkOfAddress,
  TrustedProxies,
} from './client-address.ts';

const NONE = new TrustedProxies([]);
const PROXIES = new TrustedProxies(['10.0.0.0/8', '192.0.2.1', '2001:db8::/32', 'fd00::1']);

describe('TrustedProxies', () => {
  it('trusts nobody when empty', () => {
    for (const address of ['127.0.0.1', '10.0.0.1', '::1', '0.0.0.0']) {
      assert.equal(NONE.has(address), false, address);
    }
  });

  it('matches a single IPv4 address exactly', () => {
    assert.equal(PROXIES.has('192.0.2.1'), true);
    assert.equal(PROXIES.has('192.0.2.2'), false);
    assert.equal(PROXIES.has('192.0.2.0'), false);
  });

  it('matches every address of an IPv4 CIDR range and none outside it', () => {
    for (const inside of ['10.0.0.0', '10.0.0.5', '10.255.255.255']) {
      assert.equal(PROXIES.has(inside), true, inside);
    }
    for (const outside of ['11.0.0.0', '9.255.255.255', '100.10.0.1']) {
      assert.equal(PROXIES.has(outside), false, outside);
    }
  });

  it('honours the prefix length of a range written with host bits set', () => {
    const ranges = new TrustedProxies(['172.16.5.4/12', '198.51.100.7/31']);
    assert.equal(ranges.has('172.31.255.255'), true);
    assert.equal(ranges.has('172.32.0.0'), false);
    assert.equal(ranges.has('198.51.100.6'), true);
    assert.equal(ranges.has('198.51.100.7'), true);
    assert.equal(ranges.has('198.51.100.8'), false);
  });

  it('matches IPv6 ranges and single addresses, whatever their spelling', () => {
    assert.equal(PROXIES.has('2001:db8::1'), true);
    assert.equal(PROXIES.has('2001:0db8:ffff:0000:0000:0000:0000:0001'), true);
    assert.equal(PROXIES.has('2001:db9::1'), false);
    assert.equal(PROXIES.has('fd00::1'), true);
    assert.equal(PROXIES.has('fd00:0:0:0:0:0:0:1'), true);
    assert.equal(PROXIES.has('fd00::2'), false);
  });

  it('treats an IPv4-mapped IPv6 peer (::ffff:a.b.c.d) as its IPv4 address', () => {
    assert.equal(PROXIES.has('::ffff:10.0.0.1'), true);
    assert.equal(PROXIES.has('::ffff:192.0.2.1'), true);
    assert.equal(PROXIES.has('::ffff:192.0.2.2'), false);
  });

  it('never lets an IPv4 range match IPv6 addresses or the reverse', () => {
    const everything4 = new TrustedProxies(['0.0.0.0/0']);
    assert.equal(everything4.has('1.2.3.4'), true);
    assert.equal(everything4.has('2001:db8::1'), false);
    const everything6 = new TrustedProxies(['::/0']);
    assert.equal(everything6.has('2001:db8::1'), true);
    assert.equal(everything6.has('1.2.3.4'), false);
  });

  it('trusts no address it cannot parse', () => {
    for (const garbage of ['', 'localhost', 'unknown', '10.0.0.1:x', '[::1', '10.0.0.0/8']) {
      assert.equal(PROXIES.has(garbage), false, garbage);
    }
  });

  it('refuses an entry that is not an IP address or CIDR range, naming it', () => {
    for (const bad of ['not-an-ip', '10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', '/8', '']) {
      assert.throws(
        () => new TrustedProxies(['10.0.0.1', bad]),
        new Error(`"${bad}" is not an IP address or CIDR range`),
      );
    }
  });

  it('trusts a proxy configured in IPv4-mapped form', () => {
    const mapped = new TrustedProxies(['::ffff:10.0.0.1']);
    assert.equal(mapped.has('::ffff:10.0.0.1'), true);
    assert.equal(mapped.has('10.0.0.1'), true);
  });
});

describe('clientAddress', () => {
  describe('from an untrusted peer', () => {
    it('is the peer, and X-Forwarded-For is ignored', () => {
      assert.equal(clientAddress('203.0.113.7', '1.2.3.4', NONE), '203.0.113.7');
      assert.equal(clientAddress('203.0.113.7', '1.2.3.4', PROXIES), '203.0.113.7');
    });

    it('ignores any X-Forwarded-For, even one naming a trusted proxy', () => {
      assert.equal(clientAddress('203.0.113.7', '10.0.0.1, 192.0.2.1', PROXIES), '203.0.113.7');
    });

    it('is the peer when there is no X-Forwarded-For', () => {
      assert.equal(clientAddress('203.0.113.7', undefined, PROXIES), '203.0.113.7');
      assert.equal(clientAddress('203.0.113.7', '', PROXIES), '203.0.113.7');
    });

    it('unwraps an IPv4-mapped IPv6 peer to its IPv4 address', () => {
      assert.equal(clientAddress('::ffff:203.0.113.7', '1.2.3.4', PROXIES), '203.0.113.7');
    });

    it('writes IPv6 peers in one canonical form, so one client is one client', () => {
      assert.equal(
        clientAddress('2001:0DB9:0000:0000:0000:0000:0000:0001', undefined, NONE),
        '2001:db9::1',
      );
    });

    it('is undefined when the peer is unknown, whatever X-Forwarded-For says', () => {
      assert.equal(clientAddress(undefined, '1.2.3.4', PROXIES), undefined);
    });

    it('is the peer string as given when it does not parse', () => {
      assert.equal(clientAddress('unix-socket', '1.2.3.4', PROXIES), 'unix-socket');
    });
  });

  describe('from a trusted proxy', () => {
    it('is the hop the proxy appended', () => {
      assert.equal(clientAddress('10.0.0.5', '198.51.100.23', PROXIES), '198.51.100.23');
    });

    it('is the rightmost untrusted hop: hops further left are the client’s to forge', () => {
      assert.equal(
        clientAddress('10.0.0.5', '6.6.6.6, 7.7.7.7, 198.51.100.23', PROXIES),
        '198.51.100.23',
      );
    });

    it('skips a chain of trusted proxies to the first untrusted hop', () => {
      assert.equal(
        clientAddress('10.0.0.5', '6.6.6.6, 198.51.100.23, 192.0.2.1, 10.9.9.9', PROXIES),
        '198.51.100.23',
      );
    });

    it('skips trusted IPv6 proxies and finds an IPv6 client', () => {
      assert.equal(
        clientAddress('2001:db8::10', '2001:db9::abcd, fd00::1', PROXIES),
        '2001:db9::abcd',
      );
    });

    it('mixes IPv4 and IPv6 hops', () => {
      assert.equal(
        clientAddress('2001:db8::10', '198.51.100.23, 10.0.0.9', PROXIES),
        '198.51.100.23',
      );
      assert.equal(clientAddress('10.0.0.5', '2001:db9::1', PROXIES), '2001:db9::1');
    });

    it('honours a proxy whose socket reports it as IPv4-mapped IPv6', () => {
      assert.equal(clientAddress('::ffff:10.0.0.5', '198.51.100.23', PROXIES), '198.51.100.23');
    });

    it('unwraps an IPv4-mapped hop and trusts mapped proxy hops', () => {
      assert.equal(clientAddress('10.0.0.5', '::ffff:198.51.100.23', PROXIES), '198.51.100.23');
      assert.equal(
        clientAddress('10.0.0.5', '198.51.100.23, ::ffff:10.0.0.6', PROXIES),
        '198.51.100.23',
      );
    });

    it('canonicalises the client it returns', () => {
      assert.equal(clientAddress('10.0.0.5', ' 2001:0db9:0:0::0001 ', PROXIES), '2001:db9::1');
    });

    it('ignores empty hops and surrounding spaces', () => {
      assert.equal(
        clientAddress('10.0.0.5', ' , 198.51.100.23 ,, 10.0.0.7 , ', PROXIES),
        '198.51.100.23',
      );
    });

    it('is the proxy itself when X-Forwarded-For is absent or empty', () => {
      assert.equal(clientAddress('10.0.0.5', undefined, PROXIES), '10.0.0.5');
      assert.equal(clientAddress('10.0.0.5', '', PROXIES), '10.0.0.5');
      assert.equal(clientAddress('10.0.0.5', ' , ,', PROXIES), '10.0.0.5');
    });

    it('stops at a garbage hop and answers the last trusted address instead of believing it', () => {
      for (const garbage of [
        'unknown',
        'not-an-ip',
        '198.51.100.23:x',
        '[2001:db9::1',
        '<script>',
      ]) {
        assert.equal(
          clientAddress('10.0.0.5', `6.6.6.6, ${garbage}`, PROXIES),
          '10.0.0.5',
          garbage,
        );
      }
      assert.equal(clientAddress('10.0.0.5', '6.6.6.6, garbage, 192.0.2.1', PROXIES), '192.0.2.1');
    });

    it('reads a hop written with its port as the address alone', () => {
      assert.equal(
        clientAddress('10.0.0.5', '6.6.6.6, 198.51.100.23:4711', PROXIES),
        '198.51.100.23',
      );
      assert.equal(clientAddress('10.0.0.5', '[2001:db9::1]:443', PROXIES), '2001:db9::1');
      assert.equal(clientAddress('10.0.0.5', '6.6.6.6, 10.0.0.9:80', PROXIES), '6.6.6.6');
    });

    it('never reaches a garbage hop left of the client', () => {
      assert.equal(clientAddress('10.0.0.5', 'garbage, 198.51.100.23', PROXIES), '198.51.100.23');
    });

    it('is the leftmost hop when every hop is a trusted proxy', () => {
      assert.equal(clientAddress('10.0.0.5', '10.0.0.6, 10.0.0.7', PROXIES), '10.0.0.6');
    });

    it('gives a client no way to pick its address by rotating fake hops', () => {
      const seen = new Set(
        ['1.1.1.1', '2.2.2.2', '3.3.3.3, 4.4.4.4', 'garbage', ''].map((forged) =>
          clientAddress('10.0.0.5', `${forged}${forged ? ', ' : ''}198.51.100.23`, PROXIES),
        ),
      );
      assert.deepEqual([...seen], ['198.51.100.23']);
    });
  });
});

describe('clientOfAddress', () => {
  it('is an IPv4 address itself', () => {
    assert.equal(clientOfAddress('203.0.113.7'), '203.0.113.7');
    assert.notEqual(clientOfAddress('203.0.113.7'), clientOfAddress('203.0.113.8'));
  });

  it('is the /64 an IPv6 address is in, so a /64 is one client', () => {
    assert.equal(clientOfAddress('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(clientOfAddress('2001:db8:1:2:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
    assert.equal(clientOfAddress('2001:0DB8:0001:0002::1'), '2001:db8:1:2::/64');
    assert.notEqual(clientOfAddress('2001:db8:1:2::1'), clientOfAddress('2001:db8:1:3::1'));
  });

  it('counts IPv4-mapped IPv6 as the IPv4 address', () => {
    assert.equal(clientOfAddress('::ffff:203.0.113.7'), '203.0.113.7');
    assert.notEqual(clientOfAddress('::ffff:203.0.113.7'), clientOfAddress('::ffff:203.0.113.8'));
  });

  it('counts NAT64 (64:ff9b::/96) and 6to4 (2002::/16) as the IPv4 address they carry', () => {
    assert.equal(clientOfAddress('64:ff9b::198.51.110.1'), '198.51.110.1');
    assert.equal(clientOfAddress('64:ff9b::c633:6e01'), '198.51.110.1');
    assert.equal(clientOfAddress('2002:c633:6e01::1'), '198.51.110.1');
    // A 6to4 site's other hosts and subnets are the same IPv4 client.
    assert.equal(clientOfAddress('2002:c633:6e01:7:1:2:3:4'), '198.51.110.1');
    assert.notEqual(clientOfAddress('2002:c633:6e02::1'), clientOfAddress('2002:c633:6e01::1'));
    assert.notEqual(clientOfAddress('64:ff9b::198.51.110.2'), '198.51.110.1');
    // Only the well-known prefixes: another /96 is ordinary IPv6.
    assert.equal(clientOfAddress('64:ff9c::198.51.110.1'), '64:ff9c::/64');
  });

  it('keeps an address it cannot parse as it is', () => {
    assert.equal(clientOfAddress('unix-socket'), 'unix-socket');
    assert.equal(clientOfAddress('10'), '10');
  });
});

describe('networkOfAddress', () => {
  it('is the IPv4 /24', () => {
    assert.equal(networkOfAddress('203.0.113.7'), '203.0.113.0/24');
    assert.equal(networkOfAddress('203.0.113.250'), '203.0.113.0/24');
    assert.notEqual(networkOfAddress('203.0.113.7'), networkOfAddress('203.0.114.7'));
  });

  it('is the IPv6 /48', () => {
    assert.equal(networkOfAddress('2001:db8:1:2::1'), '2001:db8:1::/48');
    assert.equal(networkOfAddress('2001:db8:1:ffff::1'), '2001:db8:1::/48');
    assert.notEqual(networkOfAddress('2001:db8:1::1'), networkOfAddress('2001:db8:2::1'));
  });

  it('counts IPv4-mapped IPv6 as the IPv4 /24', () => {
    assert.equal(networkOfAddress('::ffff:203.0.113.7'), '203.0.113.0/24');
  });

  it('counts NAT64 and 6to4 addresses as the IPv4 /24 they carry', () => {
    assert.equal(networkOfAddress('64:ff9b::198.51.110.1'), '198.51.110.0/24');
    assert.equal(networkOfAddress('2002:c633:6e01::1'), '198.51.110.0/24');
    assert.equal(networkOfAddress('2002:c633:6eff:1::1'), '198.51.110.0/24');
  });

  it('keeps an address it cannot parse as it is', () => {
    assert.equal(networkOfAddress('unix-socket'), 'unix-socket');
  });
});
