/**
 * `parley-server import-wordpress`: a WordPress WXR export (RSS 2.0 with the
 * `wp` export namespace, any version 1.x) read into import records: each
 * `<item>`'s approved `<wp:comment>`s, keyed by the item's link like Disqus's.
 *
 * Two streaming passes, as for Disqus (`disqus.ts`): a reply may name a
 * parent that is not approved, and only the whole file says which are. What
 * is left out, counted once per comment by the first reason that applies:
 * `on an unpublished post` (the item's `wp:status` is not `publish`, or
 * `inherit` for an attachment: a draft's or private post's comments are not
 * public), `in a thread without a usable link`, `on another site` (and its
 * item once as `thread on another site`), then
 * `pingback`, `trackback`, `other comment type` (WooCommerce order notes and
 * the like are not comments), `spam`, `unapproved` (`0`), `trash` (any other
 * `wp:comment_approved`), `empty`, `longer than 10,000 characters` (its
 * markdown). Items without an approved comment make no
 * thread. A comment whose id an earlier comment had is counted as
 * `duplicate message` (the first is the one imported).
 *
 * Times: `wp:comment_date_gmt`; when WordPress left it `0000-00-00 00:00:00`
 * (comments imported or approved by some plugins), `wp:comment_date` read as
 * UTC: the file does not say the site's time zone, so such a comment may be
 * off by that offset, never more.
 */
import {
  authorName,
  type CommentFacts,
  DUPLICATE_MESSAGE,
  keptParent,
  type LegacyImportOptions,
  type LegacyReader,
  legacyReader,
  type Page,
  pageOf,
  Tally,
  tallySharedKeys,
  titleOf,
  utcTime,
} from './legacy-rules.ts';
import {
  exportFileError,
  readXmlRecords,
  type XmlRecord,
  type XmlRecordSpec,
} from './xml-records.ts';

const isWpNamespace = (uri: string) => /^https?:\/\/wordpress\.org\/export\/1\.\d+\/?$/.test(uri);
const CONTENT = 'http://purl.org/rss/1.0/modules/content/';

const CHANNEL = 'rss/channel';
const ITEM = 'rss/channel/item';
const COMMENT = 'rss/channel/item/wp:comment';

const spec: XmlRecordSpec = {
  namespaces: (uri) =>
    uri === '' ? '' : isWpNamespace(uri) ? 'wp' : uri === CONTENT ? 'content' : undefined,
  checkRoot: (name, declared) =>
    name === 'rss' && Object.values(declared).some(isWpNamespace)
      ? null
      : name === 'disqus'
        ? 'not a WordPress export (WXR) but a Disqus one: read it with `parley-server import-disqus`'
        : `not a WordPress export (WXR): the root element is <${name}>${
            name === 'rss' ? ' without the wp export namespace' : ', not <rss>'
          }`,
  records: new Map([
    [CHANNEL, new Set(['link', 'wp:base_site_url', 'wp:base_blog_url'])],
    [
      ITEM,
      new Set([
        'title',
        'link',
        'wp:status',
        'wp:comment_status',
        'wp:post_date_gmt',
        'wp:post_date',
      ]),
    ],
    [
      COMMENT,
      new Set([
        'wp:comment_id',
        'wp:comment_author',
        'wp:comment_date',
        'wp:comment_date_gmt',
        'wp:comment_content',
        'wp:comment_approved',
        'wp:comment_type',
        'wp:comment_parent',
      ]),
    ],
  ]),
};

/** The first of these that is a time (WordPress writes `0000-00-00 00:00:00` for none). */
const timeOf = (...texts: (string | undefined)[]) => {
  for (const text of texts) {
    const time = utcTime(text);
    if (time !== null) return time;
  }
  return null;
};

/**
 * The site a file's comment ids count in, as source ids name it: host and
 * path (no trailing slash) of `wp:base_blog_url`, else of `wp:base_site_url`,
 * else of the channel's link; null when none is a URL with a host. In a
 * multisite network every subsite's export has the network's address in
 * `wp:base_site_url` while its comment ids count from 1 per subsite, so only
 * the blog's own address (a subdomain, or a path like `/sub`) tells
 * `network.example/sub/1` from `network.example/1`.
 */
function siteOf(fields: Map<string, string>): string | null {
  for (const field of ['wp:base_blog_url', 'wp:base_site_url', 'link']) {
    try {
      const url = new URL(fields.get(field)?.trim() ?? '');
      if (url.host !== '') return `${url.host}${url.pathname.replace(/\/+$/, '')}`;
    } catch {}
  }
  return null;
}

/** Why a comment of this status and type is left out, or null. */
function commentVerdict(fields: Map<string, string>): string | null {
  const type = fields.get('wp:comment_type')?.trim() ?? '';
  if (type === 'pingback' || type === 'trackback') return type;
  if (type !== '' && type !== 'comment') return 'other comment type';
  const approved = fields.get('wp:comment_approved')?.trim();
  if (approved === '1') return null;
  if (approved === 'spam') return 'spam';
  if (approved === '0') return 'unapproved';
  return 'trash';
}

/**
 * WordPress keeps a comment as typed and adds paragraphs when it shows it
 * (`wpautop`): a blank line is a paragraph, a newline a line break, except
 * inside `<pre>`. The same here, so the HTML reads as WordPress showed it.
 */
export function autop(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/(<pre[\s>][\s\S]*?<\/pre>)/i)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .split(/\n\s*\n/)
            .filter((block) => block.trim() !== '')
            .map((block) => `<p>${block.trim().replace(/\n/g, '<br>\n')}</p>`)
            .join('\n'),
    )
    .join('\n');
}

/** An item as the first pass found it. */
interface ItemFacts {
  why: string | null;
  page: Page | null;
  title: string | null;
  closed: boolean;
  createdAt: string | null;
  kept: number;
  comments: number;
}

/** The comment's id, or a clear error naming its line. */
function idOf(file: string, record: XmlRecord): string {
  const id = record.fields.get('wp:comment_id')?.trim();
  if (!id) throw exportFileError(file, record.line, null, 'a <wp:comment> without wp:comment_id');
  return id;
}

/**
 * Reads the WXR file at `path`: approved comments of published items,
 * threads keyed by the item link's URL path, source ids
 * `wordpress:<site>/<comment id>` (`<site>`: host and path of
 * `wp:base_blog_url`, else `wp:base_site_url`, else the channel's link, e.g.
 * `blog.example/sub`), never an email or IP. Rejects with the line and
 * column on malformed XML or a root that is not a WXR `<rss>`, and with the
 * line on a comment without an id or a usable date, or a file without a site
 * address. Throws at once when an origin in `options` is not one.
 */
export function readWordPress(path: string, options: LegacyImportOptions = {}): LegacyReader {
  return legacyReader(options, async (sink, { only, origins, sharedKeys, bodies }) => {
    const items: ItemFacts[] = [];
    const comments = new Map<string, CommentFacts>();
    const skipped = new Tally();
    let site: string | null = null;

    await readXmlRecords(path, spec, (record) => {
      if (record.path === CHANNEL) {
        site ??= siteOf(record.fields);
        return;
      }
      if (record.path === ITEM) {
        const status = record.fields.get('wp:status')?.trim();
        const page = pageOf(record.fields.get('link'));
        items[record.index] = {
          why:
            status !== 'publish' && status !== 'inherit'
              ? 'on an unpublished post'
              : page === null
                ? 'in a thread without a usable link'
                : only !== null && !only.has(page.origin)
                  ? 'on another site'
                  : null,
          page,
          title: titleOf(record.fields.get('title')),
          closed: record.fields.get('wp:comment_status')?.trim() === 'closed',
          createdAt: timeOf(
            record.fields.get('wp:post_date_gmt'),
            record.fields.get('wp:post_date'),
          ),
          kept: 0,
          comments: 0,
        };
        return;
      }
      const id = idOf(path, record);
      if (comments.has(id)) {
        skipped.add(DUPLICATE_MESSAGE);
        return;
      }
      const fields = record.fields;
      if (timeOf(fields.get('wp:comment_date_gmt'), fields.get('wp:comment_date')) === null) {
        throw exportFileError(path, record.line, null, `comment ${id}: no usable date`);
      }
      const parent = fields.get('wp:comment_parent')?.trim();
      comments.set(id, {
        parent: parent && parent !== '0' ? parent : null,
        thread: String(record.enclosing!.index),
        index: record.index,
        why:
          commentVerdict(fields) ??
          bodies.verdict(id, autop(fields.get('wp:comment_content') ?? '')),
      });
    });
    if (site === null) {
      throw exportFileError(
        path,
        1,
        null,
        'no site address (wp:base_blog_url, wp:base_site_url or channel link)',
      );
    }

    for (const facts of comments.values()) {
      const item = items[Number(facts.thread)]!;
      if (facts.why === null && item.page !== null) item.kept++;
      item.comments++;
      facts.why = item.why ?? facts.why;
      if (facts.why !== null) skipped.add(facts.why);
    }
    const emitted = new Set<string>();
    const imported: Page[] = [];
    for (const item of items) {
      if (item.why === 'on another site' && item.comments > 0)
        skipped.add('thread on another site');
      if (item.page === null || item.kept === 0 || item.why === 'on an unpublished post') continue;
      origins.set(item.page.origin, (origins.get(item.page.origin) ?? 0) + 1);
      if (item.why !== null) continue;
      imported.push(item.page);
      if (emitted.has(item.page.key)) continue;
      emitted.add(item.page.key);
      await sink.thread({
        key: item.page.key,
        title: item.title,
        summary: null,
        url: item.page.url,
        status: item.closed ? 'closed' : 'open',
        createdAt: item.createdAt,
      });
    }
    tallySharedKeys(imported, sharedKeys);
    for (const [why, count] of skipped.entries()) sink.skip(why, count);

    await readXmlRecords(path, spec, async (record) => {
      if (record.path !== COMMENT) return;
      const id = idOf(path, record);
      const facts = comments.get(id)!;
      if (facts.why !== null || facts.index !== record.index) return;
      const parent = keptParent(comments, id);
      const fields = record.fields;
      await sink.message({
        sourceId: `wordpress:${site}/${id}`,
        threadKey: items[Number(facts.thread)]!.page!.key,
        parentSourceId: parent === null ? null : `wordpress:${site}/${parent}`,
        kind: 'reply',
        status: 'published',
        hiddenReason: null,
        author: { name: authorName(fields.get('wp:comment_author')), role: null },
        body: bodies.markdown(id),
        highlighted: false,
        createdAt: timeOf(fields.get('wp:comment_date_gmt'), fields.get('wp:comment_date'))!,
        editedAt: null,
        updatedAt: null,
      });
    });
  });
}
