import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { etagMatches } from './etag.ts';

describe('etagMatches', () => {
  it('compares weakly: W/ prefixes do not matter', () => {
    assert.equal(etagMatches('W/"a"', '"a"'), true);
    assert.equal(etagMatches('"a"', 'W/"a"'), true);
  });

  it('matches any member of a list, and *', () => {
    assert.equal(etagMatches('"x", W/"a" ,"y"', 'W/"a"'), true);
    assert.equal(etagMatches('*', '"a"'), true);
  });

  it('does not match another tag, a prefix of it, or nothing', () => {
    assert.equal(etagMatches('"ab"', '"a"'), false);
    assert.equal(etagMatches('"a', '"a"'), false);
    assert.equal(etagMatches(undefined, '"a"'), false);
    assert.equal(etagMatches('', '"a"'), false);
  });
});
