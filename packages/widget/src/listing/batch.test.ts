import { expect } from '@open-wc/testing';
import { ApiError } from '../api/client.js';
import { batched, keyProblem, MAX_QUERY, requestsOf } from './batch.js';

describe('batched reads of the index elements', () => {
  it('fails a key the server would refuse on its own, and reads the others in one request', async () => {
    const asked: string[][] = [];
    const read = batched<number>(async (_base, keys) => {
      asked.push(keys);
      return new Map(keys.map((k) => [k, k.length]));
    });
    const good = read('https://p.test/', '/a');
    const long = read('https://p.test/', `/${'a'.repeat(512)}`);
    const bidi = read('https://p.test/', '/b\u202e');
    const other = read('https://p.test/', '/ccc');
    expect(await good).to.equal(2);
    expect(await other).to.equal(4);
    for (const bad of [long, bidi]) {
      const error = await bad.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ApiError);
      expect((error as ApiError).code).to.equal('invalid_request');
    }
    expect(asked).to.deep.equal([['/a', '/ccc']]);
  });

  it('keeps every request under the query budget, however long the keys', () => {
    const keys = Array.from({ length: 100 }, (_, i) => `/${'b'.repeat(400)}${i}`);
    const parts = requestsOf(keys);
    expect(parts.length).to.be.greaterThan(1);
    expect(parts.flat()).to.deep.equal(keys);
    for (const part of parts) {
      const query = part.map((k) => `key=${encodeURIComponent(k)}`).join('&');
      expect(query.length).to.be.at.most(MAX_QUERY);
    }
    // Short keys still go 100 to a request.
    expect(
      requestsOf(Array.from({ length: 250 }, (_, i) => `/p${i}`)).map((p) => p.length),
    ).to.deep.equal([100, 100, 50]);
  });

  it('knows the server key rules', () => {
    expect(keyProblem('/blog/post')).to.equal(null);
    expect(keyProblem('/日本語/記事')).to.equal(null);
    expect(keyProblem('')).to.match(/empty/);
    expect(keyProblem('a'.repeat(512))).to.equal(null);
    expect(keyProblem('a'.repeat(513))).to.match(/512/);
    expect(keyProblem('/a\u0007')).to.match(/control/);
    expect(keyProblem('/a\ud800')).to.match(/control/);
    expect(keyProblem('/a\u2067b')).to.match(/bidirectional/);
  });
});
