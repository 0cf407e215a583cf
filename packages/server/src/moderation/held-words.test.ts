import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { heldWordsMatcher } from './held-words.ts';

describe('heldWordsMatcher', () => {
  it('matches whole words in any case, and phrases across any whitespace', () => {
    const held = heldWordsMatcher(['ass', 'buy now', 'c++']);
    assert.equal(held('What an ASS!'), true);
    assert.equal(held('ass'), true);
    assert.equal(held('a class act, a passage'), false);
    assert.equal(held('Buy\n  NOW'), true);
    assert.equal(held('buy nowhere'), false);
    assert.equal(held('I like C++ a lot'), true, 'regex characters are literal');
  });

  it('treats letters of every script as word characters', () => {
    const held = heldWordsMatcher(['мат', 'café']);
    assert.equal(held('это МАТ'), true);
    assert.equal(held('математика'), false);
    assert.equal(held('Un CAFÉ noir'), true);
  });

  it('sees through zero-width characters, soft hyphens, fullwidth letters and odd spaces', () => {
    const held = heldWordsMatcher(['casino', 'buy now']);
    for (const text of [
      'CA\u200bSINO',
      'C\u00adASINO',
      '\uff23\uff21\uff33\uff29\uff2e\uff2f',
      'ca\u200dsi\u2060no',
      'buy\u00a0now',
      'BUY\u3000\u200bNOW',
    ]) {
      assert.equal(held(text), true, JSON.stringify(text));
    }
    assert.equal(held('casinos'), false, 'still whole words');
    assert.equal(heldWordsMatcher(['ＣＡＳＩＮＯ'])('casino'), true, 'the list is normalised too');
  });

  it('never matches with an empty list or blank entries', () => {
    assert.equal(heldWordsMatcher([])('anything'), false);
    assert.equal(heldWordsMatcher(['', '  '])('anything at all'), false);
  });
});
