import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { siteFeedXml, threadFeedXml } from './atom.ts';
import type { FeedMessageRow } from './feeds.repository.ts';

const BASE = 'https://comments.example/';

/** A stored message, as the repository returns it. */
function row(id: number, html: string, author = 'Ada'): FeedMessageRow {
  return {
    id,
    author_name: author,
    html,
    created_at: `2026-03-0${id}T10:00:00.000Z`,
    edited_at: null,
  };
}

/** Parses a feed, asserting it is well-formed XML first. */
function parse(xml: string) {
  assert.equal(XMLValidator.validate(xml), true, 'well-formed XML');
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => ['entry', 'link'].includes(name),
  }).parse(xml) as {
    feed: {
      title: string;
      updated: string;
      link: { '@_rel': string; '@_href': string }[];
      entry?: {
        title: { '#text': string };
        link: { '@_href': string }[];
        author: { name: string };
        content: { '#text': string };
      }[];
    };
  };
}

describe('atom', () => {
  it('keeps a CDATA section closed whatever the stored HTML holds', () => {
    // The sanitizer never writes a raw `]]>`, but the feed must not depend on it:
    // xml-js splits only the first one, and the second would end the section.
    const html = '<p>a ]]> b ]]> c</p><p>]]>]]></p>';
    const xml = threadFeedXml(
      BASE,
      { key: 'k', title: 't', url: null, lastActivityAt: '2026-03-01T10:00:00.000Z' },
      [row(1, html)],
    );
    const content = parse(xml).feed.entry?.[0]?.content['#text'];
    assert.equal(content, html.replaceAll(']]>', ']]&gt;'));
  });

  it('drops characters XML cannot carry instead of writing an ill-formed feed', () => {
    const bad = 'a\u0001b\u0008c\u000Bd\uD800e\uFFFEf\u001Fg';
    const xml = threadFeedXml(
      BASE,
      { key: 'k', title: `T${bad}`, url: null, lastActivityAt: '2026-03-01T10:00:00.000Z' },
      [row(1, `<p>${bad}</p>`, `N${bad}`)],
    );
    const feed = parse(xml).feed;
    assert.equal(feed.title, 'Tabcdefg');
    assert.equal(feed.entry?.[0]?.author.name, 'Nabcdefg');
    assert.equal(feed.entry?.[0]?.content['#text'], '<p>abcdefg</p>');
    // Tabs, newlines and characters beyond the BMP are kept.
    const kept = threadFeedXml(
      BASE,
      { key: 'k', title: 'tab\there 😀', url: null, lastActivityAt: '2026-03-01T10:00:00.000Z' },
      [],
    );
    assert.equal(parse(kept).feed.title, 'tab\there 😀');
  });

  it('links to the HTML page when the thread url is not a web URL', () => {
    const xml = threadFeedXml(
      BASE,
      {
        key: '/p',
        title: null,
        url: 'javascript:alert(1)',
        lastActivityAt: '2026-03-01T10:00:00.000Z',
      },
      [row(1, '<p>x</p>')],
    );
    const feed = parse(xml).feed;
    const page = `${BASE}threads/%2Fp`;
    assert.deepEqual(
      feed.link.map((l) => [l['@_rel'], l['@_href']]),
      [
        ['alternate', page],
        ['self', `${page}/feed.atom`],
      ],
    );
    assert.equal(feed.entry?.[0]?.link[0]?.['@_href'], `${page}#parley-1`);
    assert.doesNotMatch(xml, /javascript/);
  });

  it('dates an empty thread feed by the thread, an empty site feed by the latest activity', () => {
    const empty = threadFeedXml(
      BASE,
      { key: 'k', title: null, url: null, lastActivityAt: '2026-02-02T02:02:02.000Z' },
      [],
    );
    assert.equal(parse(empty).feed.updated, '2026-02-02T02:02:02.000Z');
    assert.equal(
      parse(siteFeedXml(BASE, [], '2026-02-03T00:00:00.000Z')).feed.updated,
      '2026-02-03T00:00:00.000Z',
    );
  });

  it("dates a feed by its latest change, an older message's edit included", () => {
    const edited = { ...row(1, '<p>old, edited</p>'), edited_at: '2026-03-09T00:00:00.000Z' };
    const xml = threadFeedXml(
      BASE,
      { key: 'k', title: null, url: null, lastActivityAt: '2026-03-02T10:00:00.000Z' },
      [row(2, '<p>newer</p>'), edited],
    );
    assert.equal(parse(xml).feed.updated, '2026-03-09T00:00:00.000Z');
  });
});
