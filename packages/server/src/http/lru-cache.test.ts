import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LruCache } from './lru-cache.ts';

describe('LruCache', () => {
  it('loads a missing key once and serves it from memory after', async () => {
    const cache = new LruCache(1024);
    let loads = 0;
    const load = async () => `value ${++loads}`;
    assert.equal(await cache.get('a', load), 'value 1');
    assert.equal(await cache.get('a', load), 'value 1');
    assert.equal(loads, 1);
  });

  it('shares one load between concurrent misses', async () => {
    const cache = new LruCache(1024);
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const load = async () => {
      loads++;
      await gate;
      return 'shared';
    };
    const both = Promise.all([cache.get('k', load), cache.get('k', load)]);
    release();
    assert.deepEqual(await both, ['shared', 'shared']);
    assert.equal(loads, 1);
  });

  it('evicts the least recently used entries past its size bound', async () => {
    // Each 10-character value weighs 20 bytes; 50 bytes hold two.
    const cache = new LruCache(50);
    const value = (c: string) => async () => c.repeat(10);
    await cache.get('a', value('a'));
    await cache.get('b', value('b'));
    await cache.get('a', value('x')); // touch a: b is now the oldest
    await cache.get('c', value('c'));
    assert.equal(cache.size, 2);
    assert.equal(await cache.get('a', value('z')), 'a'.repeat(10));
    assert.equal(await cache.get('b', value('y')), 'y'.repeat(10), 'b was evicted and reloaded');
  });

  it('does not cache a failed load', async () => {
    const cache = new LruCache(1024);
    await assert.rejects(
      cache.get('k', () => Promise.reject(new Error('db down'))),
      /db down/,
    );
    assert.equal(await cache.get('k', async () => 'ok'), 'ok');
  });

  it('does not cache a value larger than the whole cache', async () => {
    const cache = new LruCache(10);
    assert.equal(await cache.get('big', async () => 'x'.repeat(100)), 'x'.repeat(100));
    assert.equal(cache.size, 0);
  });

  it('forgets a deleted key (its size too) and loads it again on the next get', async () => {
    const cache = new LruCache(8);
    let loads = 0;
    await cache.get('a', async () => `a${++loads}`);
    cache.delete('a');
    cache.delete('missing');
    assert.equal(cache.size, 0);
    assert.equal(await cache.get('a', async () => `a${++loads}`), 'a2');
    // 'a2' (4 bytes) + 'bb' (4 bytes) fit in 8 only if the deleted copy no longer counts.
    await cache.get('b', async () => 'bb');
    assert.equal(cache.size, 2);
  });
});
