import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INERT_TAGS } from '../testing/legacy-exports.ts';
import { LINK_REL, renderComment, renderMarkdown } from './render.ts';

const SAFE_SCHEMES = ['http:', 'https:', 'mailto:'];

interface Tag {
  name: string;
  closing: boolean;
  attributes: Map<string, string>;
}

/** Every tag in `html`, with its attributes (values still HTML-encoded). */
function tagsOf(html: string): Tag[] {
  const tags: Tag[] = [];
  for (const match of html.matchAll(/<(\/?)([^\s/>]+)([^>]*)>/g)) {
    const attributes = new Map<string, string>();
    for (const attr of (match[3] ?? '').matchAll(
      /([^\s=/"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g,
    )) {
      attributes.set(attr[1]!.toLowerCase(), attr[2] ?? attr[3] ?? attr[4] ?? '');
    }
    tags.push({ name: match[2]!.toLowerCase(), closing: match[1] === '/', attributes });
  }
  return tags;
}

/** Decodes the HTML character references a browser would decode in an attribute. */
function decodeEntities(value: string): string {
  const named: Record<string, string> = {
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    colon: ':',
    tab: '\t',
    newline: '\n',
    sol: '/',
    lpar: '(',
    rpar: ')',
  };
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);?/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code =
        ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return named[ref.toLowerCase()] ?? whole;
  });
}

/**
 * What a browser takes the scheme of an href to be: entities decoded, ASCII
 * whitespace and control characters dropped (browsers strip them), lowercased.
 */
function effectiveHref(raw: string): string {
  return (
    decodeEntities(raw)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
      .replace(/[\u0000-\u0020\u007f-\u009f]/g, '')
      .toLowerCase()
  );
}

/**
 * Asserts that rendered HTML is inert: only allowlisted tags and attributes,
 * no event handler, and every link either has a safe scheme or none at all.
 */
function assertInert(html: string, input = ''): void {
  const context = `${JSON.stringify(input.slice(0, 80))} => ${html.slice(0, 300)}`;
  for (const forbidden of [
    '<script',
    '<iframe',
    '<style',
    '<form',
    '<svg',
    '<img',
    '<math',
    '<object',
    '<embed',
  ]) {
    assert.ok(!html.toLowerCase().includes(forbidden), `no ${forbidden}: ${context}`);
  }
  for (const tag of tagsOf(html)) {
    const allowed = INERT_TAGS[tag.name];
    assert.ok(allowed, `tag <${tag.name}> is allowlisted: ${context}`);
    for (const [name, value] of tag.attributes) {
      assert.ok(!name.startsWith('on'), `no event handler ${name}: ${context}`);
      assert.ok(allowed.includes(name), `<${tag.name} ${name}> is allowlisted: ${context}`);
      if (name === 'href') {
        const href = effectiveHref(value);
        const scheme = /^[a-z][a-z0-9+.-]*:/.exec(href)?.[0];
        if (scheme) {
          assert.ok(SAFE_SCHEMES.includes(scheme), `href scheme ${scheme} is safe: ${context}`);
        } else {
          // Relative, but never to another host: //host and /\host leave the site.
          assert.ok(!/^[/\\]{2}/.test(href), `href ${href} stays on the site: ${context}`);
        }
      }
    }
    if (tag.name === 'a' && !tag.closing) {
      assert.equal(tag.attributes.get('rel'), LINK_REL, `every link carries rel: ${context}`);
    }
  }
}

/** The hrefs of the links in `html`, decoded. */
function hrefs(html: string): string[] {
  return tagsOf(html)
    .filter((t) => t.name === 'a' && t.attributes.has('href'))
    .map((t) => decodeEntities(t.attributes.get('href')!));
}

describe('the inertness check these tests rely on', () => {
  // A check that passes everything would make every test below meaningless.
  const unsafe = [
    '<script>alert(1)</script>',
    '<p onclick="x()">a</p>',
    '<p ONMOUSEOVER=x>a</p>',
    `<a href="javascript:alert(1)" rel="${LINK_REL}">x</a>`,
    `<a href="JaVa&#x0a;ScRiPt:alert(1)" rel="${LINK_REL}">x</a>`,
    `<a href="&#106;avascript:alert(1)" rel="${LINK_REL}">x</a>`,
    `<a href=" data:text/html,x" rel="${LINK_REL}">x</a>`,
    `<a href="//evil.example" rel="${LINK_REL}">x</a>`,
    '<a href="https://ok.example">no rel</a>',
    '<p class="x">a</p>',
    '<span>a</span>',
  ];
  for (const html of unsafe) {
    it(`rejects ${html}`, () => {
      assert.throws(() => assertInert(html), assert.AssertionError);
    });
  }

  it('accepts safe links', () => {
    assertInert(
      `<p><a href="https://a.example/?q=1&amp;r=2" rel="${LINK_REL}">a</a> <a href="mailto:x@y.z" rel="${LINK_REL}">m</a> <a href="/rel" rel="${LINK_REL}">r</a></p>`,
    );
  });
});

describe('renderMarkdown', () => {
  describe('formatting', () => {
    it('renders emphasis, strong and strikethrough', () => {
      assert.equal(
        renderMarkdown('*em* _em_ **strong** __strong__ ~~gone~~'),
        '<p><em>em</em> <em>em</em> <strong>strong</strong> <strong>strong</strong> <s>gone</s></p>',
      );
    });

    it('renders inline code and fenced code, escaping what is inside', () => {
      assert.equal(
        renderMarkdown('Use `<b>` here.\n\n```html\n<script>alert(1)</script>\n```'),
        '<p>Use <code>&lt;b&gt;</code> here.</p>\n<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>',
      );
    });

    it('drops the language class of a fenced block (no class attribute is allowed)', () => {
      assert.ok(!renderMarkdown('```js\nx\n```').includes('class='));
    });

    it('renders bullet and numbered lists, keeping a numbered list’s start', () => {
      assert.equal(
        renderMarkdown('- a\n- b\n\n1. x\n2. y\n\ntext\n\n5. five'),
        '<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol>\n<li>x</li>\n<li>y</li>\n</ol>\n<p>text</p>\n<ol start="5">\n<li>five</li>\n</ol>',
      );
    });

    it('renders nested lists', () => {
      const html = renderMarkdown('- a\n  - b\n    - c');
      assert.equal(html.match(/<ul>/g)?.length, 3);
      assertInert(html);
    });

    it('renders quotes, nested quotes included', () => {
      assert.equal(
        renderMarkdown('> quoted\n>> deeper'),
        '<blockquote>\n<p>quoted</p>\n<blockquote>\n<p>deeper</p>\n</blockquote>\n</blockquote>',
      );
    });

    it('keeps a single newline as a line break, as people type comments', () => {
      assert.equal(renderMarkdown('one\ntwo'), '<p>one<br />\ntwo</p>');
    });

    it('renders a thematic break', () => {
      assert.equal(renderMarkdown('a\n\n---\n\nb'), '<p>a</p>\n<hr />\n<p>b</p>');
    });

    it('renders no heading, table or image element', () => {
      const html = renderMarkdown(
        '# Title\n\nTitle\n===\n\na | b\n--|--\n1 | 2\n\n![alt](https://x.example/p.png)',
      );
      for (const tag of ['<h1', '<h2', '<table', '<img']) assert.ok(!html.includes(tag), tag);
      assertInert(html);
    });

    it('trims the result', () => {
      assert.equal(renderMarkdown('hi'), '<p>hi</p>');
    });
  });

  describe('headings', () => {
    it('renders a heading of any level as a strong paragraph', () => {
      for (let level = 1; level <= 6; level++) {
        assert.equal(
          renderMarkdown(`${'#'.repeat(level)} Title`),
          '<p><strong>Title</strong></p>',
          `level ${level}`,
        );
      }
    });

    it('renders setext headings (underlined with = or -) the same way', () => {
      assert.equal(renderMarkdown('Title\n==='), '<p><strong>Title</strong></p>');
      assert.equal(renderMarkdown('Title\n---'), '<p><strong>Title</strong></p>');
    });

    it('keeps emphasis, code and links nested in a heading', () => {
      assert.equal(
        renderMarkdown('## a *b* **c** `d` [e](https://e.example)'),
        `<p><strong>a <em>b</em> <strong>c</strong> <code>d</code> <a href="https://e.example" rel="${LINK_REL}">e</a></strong></p>`,
      );
    });

    it('keeps the text around a heading as paragraphs of its own', () => {
      assert.equal(
        renderMarkdown('before\n# Title\nafter'),
        '<p>before</p>\n<p><strong>Title</strong></p>\n<p>after</p>',
      );
    });

    it('renders an empty heading as nothing, not an empty strong paragraph', () => {
      assert.equal(renderMarkdown('#'), '');
      assert.equal(renderMarkdown('a\n\n##   \n\nb'), '<p>a</p>\n<p>b</p>');
    });

    it('escapes markup in a heading like anywhere else', () => {
      const html = renderMarkdown('# <script>alert(1)</script> <img src=x onerror=alert(1)>');
      assert.equal(
        html,
        '<p><strong>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;</strong></p>',
      );
      assertInert(html);
    });
  });

  describe('images', () => {
    it('renders an image as a link to it with the alt text, never loading it', () => {
      assert.equal(
        renderMarkdown('![a cat](https://x.example/cat.png)'),
        `<p><a href="https://x.example/cat.png" rel="${LINK_REL}">a cat</a></p>`,
      );
    });

    it('shows the url as the link text when the alt text is empty', () => {
      assert.equal(
        renderMarkdown('![](https://x.example/cat.png)'),
        `<p><a href="https://x.example/cat.png" rel="${LINK_REL}">https://x.example/cat.png</a></p>`,
      );
    });

    it('drops the title and renders reference images and relative urls alike', () => {
      assert.equal(
        renderMarkdown(
          '![a](https://x.example/a.png "title") ![b][r] ![c](/c.png)\n\n[r]: https://r.example/b.png',
        ),
        `<p><a href="https://x.example/a.png" rel="${LINK_REL}">a</a> <a href="https://r.example/b.png" rel="${LINK_REL}">b</a> <a href="/c.png" rel="${LINK_REL}">c</a></p>`,
      );
    });

    it('keeps markup in the alt text as text: escaped, emphasis dropped', () => {
      const html = renderMarkdown(
        '![<b>bold</b> *em* <img src=x onerror=alert(1)>](https://x.example/a.png)',
      );
      assert.equal(
        html,
        `<p><a href="https://x.example/a.png" rel="${LINK_REL}">&lt;b&gt;bold&lt;/b&gt; em &lt;img src=x onerror=alert(1)&gt;</a></p>`,
      );
      assertInert(html);
    });

    it('escapes quotes in the url, so it cannot leave the href', () => {
      const html = renderMarkdown('![x](https://x.example/?a="onmouseover=alert(1))');
      assertInert(html);
      assert.deepEqual(hrefs(html), ['https://x.example/?a=%22onmouseover=alert(1)']);
    });

    it('makes no link of a javascript:, data: or protocol-relative image url', () => {
      for (const input of [
        '![x](javascript:alert(1))',
        '![x](JAVASCRIPT:alert(1))',
        '![x](data:image/png;base64,iVBORw0KGgo=)',
        '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
        '![x](vbscript:msgbox(1))',
        '![x](//evil.example/a.png)',
      ]) {
        const html = renderMarkdown(input);
        assert.deepEqual(hrefs(html), [], input);
        assert.ok(!html.includes('<a'), `${input} => ${html}`);
        assertInert(html, input);
      }
    });

    it('renders an image inside a link as the link\u2019s text, never a link inside a link', () => {
      assert.equal(
        renderMarkdown('[![logo](https://x.example/logo.png)](https://site.example)'),
        `<p><a href="https://site.example" rel="${LINK_REL}">logo</a></p>`,
      );
    });
  });

  describe('links', () => {
    it('renders markdown links with rel="nofollow ugc noopener noreferrer"', () => {
      assert.equal(
        renderMarkdown('[Parley](https://parley.example/docs?a=1&b=2)'),
        `<p><a href="https://parley.example/docs?a=1&amp;b=2" rel="${LINK_REL}">Parley</a></p>`,
      );
    });

    it('links bare URLs and e-mail addresses (autolinks), with the same rel', () => {
      const html = renderMarkdown('see https://example.com/x and mail ada@example.com');
      assert.deepEqual(hrefs(html), ['https://example.com/x', 'mailto:ada@example.com']);
      assertInert(html);
    });

    it('links <angle-bracket> autolinks', () => {
      const html = renderMarkdown('<https://example.com/a> <mailto:ada@example.com>');
      assert.deepEqual(hrefs(html), ['https://example.com/a', 'mailto:ada@example.com']);
      assertInert(html);
    });

    it('keeps relative links on the page’s own site', () => {
      assert.deepEqual(hrefs(renderMarkdown('[a](/path) [b](#frag) [c](?q=1) [d](rel/path)')), [
        '/path',
        '#frag',
        '?q=1',
        'rel/path',
      ]);
    });

    it('replaces rel and target an author tries to set', () => {
      const html = renderMarkdown('[x](https://ok.example "title")');
      assert.equal(html, `<p><a href="https://ok.example" rel="${LINK_REL}">x</a></p>`);
    });

    it('drops protocol-relative links to another host', () => {
      const html = renderMarkdown('[x](//evil.example/path)');
      assert.deepEqual(hrefs(html), []);
      assertInert(html);
    });
  });

  describe('raw HTML', () => {
    it('is escaped and shown as text, not interpreted', () => {
      assert.equal(
        renderMarkdown('<b>bold</b> <i onclick="x()">i</i>'),
        '<p>&lt;b&gt;bold&lt;/b&gt; &lt;i onclick="x()"&gt;i&lt;/i&gt;</p>',
      );
    });

    it('turns encoded tags back into text, never into tags', () => {
      const html = renderMarkdown(
        '&lt;script&gt;alert(1)&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;',
      );
      assert.equal(
        html,
        '<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;</p>',
      );
    });

    it('escapes HTML comments and CDATA', () => {
      assertInert(renderMarkdown('<!-- hidden --> <![CDATA[<script>x</script>]]>'));
      assert.ok(renderMarkdown('<!-- hidden -->').includes('&lt;!--'));
    });
  });

  describe('XSS vectors come back inert', () => {
    const vectors: Record<string, string> = {
      'script tag': '<script>alert(1)</script>',
      'script tag, split case': '<ScRiPt >alert(1)</sCrIpT>',
      'img onerror': '<img src=x onerror=alert(1)>',
      'img onerror without spaces': '<img/src=x/onerror=alert(1)>',
      iframe: '<iframe src="javascript:alert(1)"></iframe>',
      'iframe srcdoc': '<iframe srcdoc="<script>alert(1)</script>">',
      style: '<style>body{background:url(javascript:alert(1))}</style>',
      'style attribute': '<p style="background:url(javascript:alert(1))">x</p>',
      form: '<form action="https://evil.example"><button>Go</button></form>',
      'svg onload': '<svg onload=alert(1)>',
      'svg script': '<svg><script>alert(1)</script></svg>',
      'math href': '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
      'details ontoggle': '<details open ontoggle=alert(1)>',
      'body onload': '<body onload=alert(1)>',
      'object data': '<object data="javascript:alert(1)"></object>',
      'meta refresh': '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
      'base href': '<base href="javascript:alert(1)//">',
      'raw anchor': '<a href="javascript:alert(1)">x</a>',
      'mutation XSS through noscript':
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
      'mutation XSS through a comment': '<!--<img src="--><img src=x onerror=alert(1)//">',
      'html in inline code': '`<img src=x onerror=alert(1)>`',
      'html in link text': '[<img src=x onerror=alert(1)>](https://ok.example)',
      'html in a quote': '> <script>alert(1)</script>',
      'html in a list': '- <svg onload=alert(1)>',
      'javascript: link': '[x](javascript:alert(1))',
      'JAVASCRIPT: link': '[x](JAVASCRIPT:alert(1))',
      'javascript: link in angle brackets': '[x](<javascript:alert(1)>)',
      'javascript: with a newline entity': '[x](JaVa&#x0a;ScRiPt:alert(1))',
      'javascript: with a tab entity': '[x](jav&#x09;ascript:alert(1))',
      'javascript: with &Tab;': '[x](jav&Tab;ascript:alert(1))',
      'javascript: with a literal tab': '[x](java\tscript:alert(1))',
      'javascript: with a leading space': '[x]( javascript:alert(1))',
      'javascript: with a leading control character': '[x](\u0001javascript:alert(1))',
      'javascript: with &colon;': '[x](javascript&colon;alert(1))',
      'javascript: decimal entities':
        '[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))',
      'javascript: hex entities':
        '[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))',
      'javascript: zero-padded entities': '[x](&#0000106;avascript:alert(1))',
      'javascript: percent-encoded': '[x](%6Aavascript:alert(1))',
      'javascript: reference link': '[a]\n\n[a]: javascript:alert(1)',
      'javascript: full reference link': '[x][evil]\n\n[evil]: JaVaScRiPt:alert(1) "t"',
      'javascript: autolink': '<javascript:alert(1)>',
      'javascript: bare text': 'javascript:alert(1)',
      'javascript: as a link title trick': '[x](https://ok.example "javascript:alert(1)")',
      'data: link': '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      'data: autolink': '<data:text/html,<script>alert(1)</script>>',
      'data: image': '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
      'vbscript: link': '[x](vbscript:msgbox(1))',
      'vbscript: autolink': '<vbscript:msgbox(1)>',
      'file: link': '[x](file:///etc/passwd)',
      'image with javascript:': '![x](javascript:alert(1))',
      'image with javascript: and a newline entity': '![x](JaVa&#x0a;ScRiPt:alert(1))',
      'image with javascript: in a reference': '![x][e]\n\n[e]: javascript:alert(1)',
      'image with html in its alt text': '![<svg onload=alert(1)>](https://x.example/a.png)',
      'image in a heading': '# ![<script>x</script>](javascript:alert(1))',
      'image with an onerror in its url': '![x](https://x.example/p.png" onerror="alert(1))',
      'link title with double quotes': '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
      'link title with single quotes': '[x](https://ok.example \'t" onclick="alert(1)\')',
      'link title in parentheses': '[x](https://ok.example (t" onfocus="alert(1)" autofocus="))',
      'quote breaking out of a bare URL': 'http://a.example/"onmouseover="alert(1)',
      'tag breaking out of a bare URL': 'https://example.com/<script>alert(1)</script>',
      'protocol-relative link': '[x](//evil.example)',
      'backslash protocol-relative link': '[x](/\\evil.example) [y](\\\\evil.example)',
      'entity-encoded tags': '&#60;script&#62;alert(1)&#60;/script&#62;',
    };

    for (const [name, input] of Object.entries(vectors)) {
      it(`renders ${name} inert`, () => {
        assertInert(renderMarkdown(input), input);
      });
    }

    it('never lets a javascript: vector through as a link with that scheme', () => {
      for (const input of Object.values(vectors)) {
        for (const href of hrefs(renderMarkdown(input))) {
          const effective = effectiveHref(href);
          for (const scheme of ['javascript:', 'data:', 'vbscript:', 'file:']) {
            assert.ok(!effective.startsWith(scheme), `${input} => ${href}`);
          }
        }
      }
    });

    it('keeps the link text of a refused link as plain text, so nothing is silently lost', () => {
      assert.equal(renderMarkdown('[x](javascript:alert(1))'), '<p>[x](javascript:alert(1))</p>');
    });
  });

  describe('pathological input of the largest allowed body (10,000 characters)', () => {
    const MAX = 10_000;
    const fill = (unit: string) => unit.repeat(Math.ceil(MAX / unit.length)).slice(0, MAX);
    const nestedList = Array.from({ length: 400 }, (_, i) => `${'  '.repeat(i)}- item`)
      .join('\n')
      .slice(0, MAX);
    const cases: Record<string, string> = {
      '* runs': fill('*'),
      'alternating *a': fill('*a'),
      '** and _ mixed': fill('**_'),
      '_ runs': fill('_'),
      'alternating _a': fill('_a'),
      '[ runs': fill('['),
      '[a]( runs': fill('[a]('),
      '![ runs': fill('!['),
      '[ ] pairs': fill('[]'),
      'link reference definitions': fill('[a]: '),
      '( inside a link destination': `[x](${fill('(').slice(0, MAX - 5)})`,
      '> nesting': fill('> '),
      '> nesting without spaces': fill('>'),
      '> - quote and list nesting': fill('> - '),
      '- nesting on one line': fill('- '),
      '1. nesting on one line': fill('1. '),
      'nested list, one level per line': nestedList,
      '` runs': fill('`'),
      'alternating `a': fill('`a'),
      '``` fences': fill('```\n'),
      '< runs': fill('<'),
      '& runs': fill('&'),
      'unterminated entities': fill('&#x'),
      '\\ runs': fill('\\'),
      'URLs for linkify': fill('http://a.b/'),
      'e-mail-like runs': fill('a@b.'),
      '~~ runs': fill('~~a'),
      'newline runs': fill('\n'),
      'mixed delimiters': fill('*_[`'),
    };

    for (const [name, input] of Object.entries(cases)) {
      it(`renders ${name} in bounded time`, () => {
        assert.equal(input.length, MAX);
        const start = performance.now();
        const html = renderMarkdown(input);
        const elapsed = performance.now() - start;
        // Generous on purpose: it catches exponential or quadratic blow-up, not slowness.
        assert.ok(elapsed < 1000, `${name} took ${elapsed.toFixed(0)} ms`);
        assertInert(html, input);
      });
    }
  });
});

describe('renderComment', () => {
  it('counts links as markdown-it sees them: explicit, autolinked and bare URLs', () => {
    const source = '[a](https://a.example) <https://b.example> https://c.example ada@e.example';
    assert.equal(renderComment(source).links, 4);
  });

  it('counts an image as the link it renders as, once inside a link, never when refused', () => {
    assert.equal(renderComment('![a](https://a.example/a.png)').links, 1);
    assert.equal(renderComment('[![a](https://a.example/a.png)](https://b.example)').links, 1);
    assert.equal(
      renderComment('![a](javascript:alert(1)) ![b](data:image/png;base64,AA)').links,
      0,
    );
  });

  it('does not count what is not a link: code, refused schemes, plain text', () => {
    const source = '`https://code.example` [x](javascript:alert(1)) example dot com';
    assert.equal(renderComment(source).links, 0);
  });

  it('renders exactly what renderMarkdown renders, from the same parse', () => {
    const source = '**hi** [there](https://t.example)\n\n- one\n- https://two.example';
    assert.equal(renderComment(source).html, renderMarkdown(source));
    assert.equal(renderComment(source).links, 2);
  });
});
