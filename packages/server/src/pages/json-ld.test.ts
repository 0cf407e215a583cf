import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { htmlToText } from './json-ld.ts';

describe('htmlToText', () => {
  it('keeps line and paragraph breaks, trims each line and decodes entities', () => {
    assert.equal(htmlToText('<p>a</p>\n<p>b</p>'), 'a\n\nb');
    assert.equal(htmlToText(' x \t\n\n\n\t y '), 'x\n\ny');
    assert.equal(htmlToText('a<br>b<br><br><br>c'), 'a\nb\n\nc');
    assert.equal(htmlToText('<ul><li>1</li><li>2</li></ul>'), '1\n2');
    assert.equal(htmlToText('&amp;&#x41;&#66;&bogus; \n  z'), '&AB&bogus;\nz');
    // Only spaces and tabs are trimmed inside; the ends lose all white space.
    assert.equal(htmlToText('<p>a \u00a0</p>\n<p>\u00a0 b</p>'), 'a \u00a0\n\n\u00a0 b');
    assert.equal(htmlToText('\n\n\t \n'), '');
  });

  it('takes linear time on long runs of spaces and tabs without a newline', () => {
    // The trial's input: 100 such messages took 5 s when a regex backtracked over each run.
    const message = `<p>w${' \t'.repeat(4995)}x</p>`;
    let start = performance.now();
    for (let i = 0; i < 100; i++) assert.equal(htmlToText(message).length, 9992);
    const hundred = performance.now() - start;
    assert.ok(hundred < 500, `100 messages took ${hundred.toFixed(0)} ms`);
    // One run a hundred times longer: quadratic would be some 10,000 times slower.
    const huge = `w${' \t'.repeat(499_500)}x`;
    start = performance.now();
    assert.equal(htmlToText(huge).length, huge.length);
    const one = performance.now() - start;
    assert.ok(one < 500, `one 1 MB run took ${one.toFixed(0)} ms`);
  });
});
