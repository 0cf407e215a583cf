/**
 * Imported HTML as markdown: rendered by the server's own renderer, it shows
 * the text and links the old site showed, and nothing that could run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderComment } from '../../markdown/render.ts';
import { liveMarkup, visibleText } from '../../testing/legacy-exports.ts';
import { htmlToMarkdown } from './html-to-markdown.ts';

/** Input HTML, the text a reader of the old site saw, and the links it held. */
const CASES: [string, string, string[]][] = [
  ['<p>Hello <b>world</b></p><p>again</p>', 'Hello world again', []],
  ['<p>line one<br>line two</p>', 'line one line two', []],
  ['<p>It&#8217;s &amp; &lt;ok&gt; &quot;fine&quot;</p>', 'It\u2019s & <ok> "fine"', []],
  ['<p>Double &amp;amp; &amp;#8217; &amp;copy;</p>', 'Double &amp; &#8217; &copy;', []],
  [
    '<p>* star</p><p># hash</p><p>- dash</p><p>1. one</p><p>1) paren</p>',
    '* star # hash - dash 1. one 1) paren',
    [],
  ],
  [
    '<p>_under_ *stars* `tick` ~~strike~~ [brackets](x) \\ back</p>',
    '_under_ *stars* `tick` ~~strike~~ [brackets](x) \\ back',
    [],
  ],
  [
    '<p>&lt;https://auto.example&gt; &lt;b&gt;bold?&lt;/b&gt;</p>',
    '<https://auto.example> <b>bold?</b>',
    ['https://auto.example'],
  ],
  ['<p>> not a quote</p><p>=== not a heading</p>', '> not a quote === not a heading', []],
  [
    '<a href="https://example.org/a_(b)?x=1&amp;y=2">a link</a>',
    'a link',
    ['https://example.org/a_%28b%29?x=1&amp;y=2'],
  ],
  // A destination cannot end early: its `(`, `)`, spaces, `<` and `>` are
  // percent-encoded, so the href is the whole address and nothing after a
  // `)` in it spills out as text or as a second link.
  [
    '<img src="http://evil.example/x.png)](javascript:alert(20)" alt="a">',
    'a',
    ['http://evil.example/x.png%29%5D%28javascript:alert%2820%29'],
  ],
  [
    '<a href="http://evil.example/x.png)](javascript:alert(20)">a</a>',
    'a',
    ['http://evil.example/x.png%29%5D%28javascript:alert%2820%29'],
  ],
  [
    '<a href="https://e.example/a b&lt;c&gt;d(e)\\f">spaced</a> <img src="https://e.example/a b&lt;c&gt;(d).png" alt="pic">',
    'spaced pic',
    ['https://e.example/a%20b%3Cc%3Ed%28e%29%5Cf', 'https://e.example/a%20b%3Cc%3E%28d%29.png'],
  ],
  [
    '<a href="https://e.example/x)">close</a> after <img src="https://e.example/(y" alt="open"> end',
    'close after open end',
    ['https://e.example/x%29', 'https://e.example/%28y'],
  ],
  [
    '<p><strong>strong</strong> <em>em</em> <del>del</del> <s>s</s> <code>a*b</code></p>',
    'strong em del s a*b',
    [],
  ],
  ['<p><b>b</b> <i>i</i></p>', 'b i', []],
  ['<pre><code>let a = b * c;\n  // &lt;x&gt;</code></pre>', 'let a = b * c; // <x>', []],
  ['<pre>bare ``` pre\n  kept</pre>', 'bare ``` pre kept', []],
  [
    '<blockquote><p>quoted</p></blockquote><ul><li>one</li><li>two</li></ul><ol start="3"><li>three</li></ol>',
    'quoted one two three',
    [],
  ],
  ['<p>😀 漢字 עברית e\u0301</p>', '😀 漢字 עברית e\u0301', []],
  ['<img src="https://img.example/cat.png" alt="a cat">', 'a cat', ['https://img.example/cat.png']],
  ['<img src="cat.png" alt="relative">', 'relative', []],
  ['<script>alert(1)</script><p>after script</p>', 'after script', []],
  ['<style>p { color: red }</style><p>after style</p>', 'after style', []],
  ['<p onclick="alert(1)" style="color:red">handler</p>', 'handler', []],
  ['<img src=x onerror="alert(1)">', '', []],
  ['<a href="javascript:alert(1)">js</a>', 'js', []],
  ['<a href="JaVa&#x0a;ScRiPt:alert(1)">obfuscated</a>', 'obfuscated', []],
  ['<a href="data:text/html,<script>alert(1)</script>">data</a>', 'data', []],
  ['<iframe src="https://evil.example/"></iframe><p>after iframe</p>', 'after iframe', []],
  ['<svg onload="alert(1)"><circle/></svg><form action="/x"><input value="v"></form>', '', []],
  ['<!-- secret --><p>after comment</p>', 'after comment', []],
  ['<div>a <span>div</span></div><h1>heading</h1>', 'a div heading', []],
  // Bare URLs: the renderer links them as the old site's reader saw them,
  // never with a backslash of markdown escaping in the address or the text.
  [
    '<p>see https://en.wikipedia.org/wiki/Hello_World_program</p>',
    'see https://en.wikipedia.org/wiki/Hello_World_program',
    ['https://en.wikipedia.org/wiki/Hello_World_program'],
  ],
  [
    '<p>search https://x.example/s?q=*a*&amp;t=~b~&amp;u=_c_&amp;v=~~d~~ done</p>',
    'search https://x.example/s?q=*a*&t=~b~&u=_c_&v=~~d~~ done',
    ['https://x.example/s?q=*a*&amp;t=~b~&amp;u=_c_&amp;v=~~d~~'],
  ],
  [
    '<p>(see https://x.example/a_b_c), &lt;https://y.example/d_e&gt; and http://z.example/f_g.</p>',
    '(see https://x.example/a_b_c), <https://y.example/d_e> and http://z.example/f_g.',
    ['https://x.example/a_b_c', 'https://y.example/d_e', 'http://z.example/f_g'],
  ],
  // The renderer's linkify leaves a trailing `*` out of the address.
  ['<p>star https://x.example/a_b*</p>', 'star https://x.example/a_b*', ['https://x.example/a_b']],
  [
    '<p><b>bold</b>https://x.example/a_b</p>',
    'boldhttps://x.example/a_b',
    ['https://x.example/a_b'],
  ],
  // No URL starts inside a word: the text stays text, unlinked as on the old site.
  ['<p>glued_https://x.example/a_b</p>', 'glued_https://x.example/a_b', []],
  // A link whose text is its address, and a link whose text holds another address.
  [
    '<p><a href="https://en.wikipedia.org/wiki/Hello_World_program">https://en.wikipedia.org/wiki/Hello_World_program</a></p>',
    'https://en.wikipedia.org/wiki/Hello_World_program',
    ['https://en.wikipedia.org/wiki/Hello_World_program'],
  ],
  [
    '<a href="https://x.example/s?q=*a*&amp;t=~b~_c_">https://x.example/s?q=*a*&amp;t=~b~_c_</a>',
    'https://x.example/s?q=*a*&t=~b~_c_',
    ['https://x.example/s?q=*a*&amp;t=~b~_c_'],
  ],
  [
    '<a href="https://b.example/">see https://a.example/x_y?q=*z* <b>here</b></a>',
    'see https://a.example/x_y?q=*z* here',
    ['https://b.example/'],
  ],
];

describe('htmlToMarkdown', () => {
  for (const [html, text, links] of CASES) {
    it(`shows ${JSON.stringify(text)} for ${JSON.stringify(html)}`, () => {
      const rendered = renderComment(htmlToMarkdown(html));
      assert.deepEqual(liveMarkup(rendered.html), []);
      assert.equal(visibleText(rendered.html), text);
      const hrefs = [...rendered.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
      assert.deepEqual(hrefs, links);
    });
  }

  it('writes emphasis, old-style or not, as markdown emphasis', () => {
    assert.equal(
      htmlToMarkdown('<p><b>b</b> <i>i</i> <strong>s</strong> <em>e</em></p>'),
      '**b** *i* **s** *e*',
    );
  });

  it('keeps nothing of a script, a handler or a javascript: URL in the markdown itself', () => {
    const markdown = htmlToMarkdown(
      '<script>steal()</script><a href="javascript:steal()" onclick="steal()">x</a><img src=x onerror=steal()>',
    );
    assert.doesNotMatch(markdown, /steal|javascript|onerror|onclick/i);
  });
});
