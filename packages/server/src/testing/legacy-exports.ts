/**
 * Realistic Disqus and WordPress (WXR) exports for the importers' tests and
 * benchmark, written to a file as they are generated (a 100,000-comment file
 * in seconds, one thread's comments in memory at a time), deterministic from
 * a seed. Each file carries what real exports carry and importers get wrong:
 * hundreds of threads, reply chains deeper than six, replies written before
 * their parents, unicode (emoji, CJK, RTL, combining marks), entities and
 * CDATA, HTML with scripts, event handlers and `javascript:` links, spam,
 * deleted and empty comments, a deleted thread, closed threads, comments of
 * a thread that is not in the file, and a second origin (localhost test
 * pages, one sharing a path with a real page).
 *
 * Alongside, the generator says what a correct import must contain, from
 * what it wrote and the rules of the issue, never from a reader's output:
 * threads and message counts by key, each message's parent, author, visible
 * text and time, and the skip counts, for any `--origin` choice.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { ImportMessage, ImportReader, ImportThread } from '../data/import/records.ts';

/** Which export to write. */
export interface LegacyExportOptions {
  format: 'disqus' | 'wordpress';
  seed: number;
  /** Threads on the blog's origin that have comments. */
  threads: number;
  /** Comments in each of those threads. */
  commentsPerThread: number;
  /** Keep each message's expectation (one small object per message). Default true. */
  detail?: boolean;
  /**
   * `realistic` (default): every comment mixes unicode, entities and hostile
   * HTML; `short`: one short paragraph each, for a test of the reading alone.
   */
  bodies?: 'realistic' | 'short';
}

/** A message a correct import contains. */
export interface ExpectedMessage {
  threadKey: string;
  parentSourceId: string | null;
  author: string;
  /** Its text as a reader sees it, whitespace runs as one space. */
  text: string;
  createdAt: string;
}

/** What a correct import of the file contains. */
export interface LegacyExpectation {
  /** Threads by key: title, status, url and how many messages. */
  threads: Map<string, { title: string; status: 'open' | 'closed'; url: string; messages: number }>;
  /** Messages by source id (empty without `detail`). */
  messages: Map<string, ExpectedMessage>;
  messageCount: number;
  skipped: Record<string, number>;
  /** Threads with messages to import, by origin, whatever `origins` kept. */
  origins: Map<string, number>;
  /** Keys that imported threads of two or more different links share, with how many links. */
  sharedKeys: Map<string, number>;
}

/** A written export and what its import must give. */
export interface LegacyExport {
  path: string;
  /** The blog's origin. */
  origin: string;
  /** The second origin the file holds threads of. */
  otherOrigin: string;
  /** Site host in WordPress source ids. */
  site: string;
  /** What importing with these `--origin`s (default: none) must give. */
  expect(origins?: string[]): LegacyExpectation;
  /** Every email, IP and Disqus username in the file: none may reach a record. */
  secrets: string[];
  /** Bytes written. */
  bytes: number;
}

const ORIGIN = 'https://blog.example';
const OTHER_ORIGIN = 'http://localhost:4000';
const SITE = 'blog.example';

/** A piece of comment HTML and the text a reader of the old site saw. */
interface Fragment {
  html: string;
  text: string;
}

const FRAGMENTS: Fragment[] = [
  {
    html: '<p>It&#8217;s a <b>bold</b> &amp; <i>brave</i> claim</p>',
    text: 'It\u2019s a bold & brave claim',
  },
  {
    html: '<p>Emoji 😀🎉, CJK 漢字かな, RTL עברית العربية, combining e\u0301 n\u0303</p>',
    text: 'Emoji 😀🎉, CJK 漢字かな, RTL עברית العربية, combining e\u0301 n\u0303',
  },
  {
    html: '<p>* not a list</p><p># not a heading</p><p>_not emphasis_ and 2 * 3 * 4 ~~no~~ 1) no</p>',
    text: '* not a list # not a heading _not emphasis_ and 2 * 3 * 4 ~~no~~ 1) no',
  },
  {
    html: '<p>&lt;b&gt;literal tags&lt;/b&gt; and a &lt;script&gt; text &lt;https://x.example&gt;</p>',
    text: '<b>literal tags</b> and a <script> text <https://x.example>',
  },
  {
    html: '<p>Double: &amp;amp; and &amp;#8217; and &amp;copy;</p>',
    text: 'Double: &amp; and &#8217; and &copy;',
  },
  {
    html: '<script>alert("owned")</script><p onclick="alert(1)">Click handler text</p>',
    text: 'Click handler text',
  },
  { html: '<img src="x" onerror="alert(1)"><p>after image</p>', text: 'after image' },
  { html: '<a href="javascript:alert(1)">js link</a>', text: 'js link' },
  { html: '<a href="JaVa&#x0a;ScRiPt:alert(1)">obfuscated link</a>', text: 'obfuscated link' },
  {
    html: '<a href="https://example.org/page?a=1&amp;b=2" onmouseover="alert(1)">a real link</a>',
    text: 'a real link',
  },
  {
    html: '<p>line one<br>line two</p><blockquote>quoted <em>words</em></blockquote>',
    text: 'line one line two quoted words',
  },
  {
    html: '<pre><code>const x = a * b; // &lt;ok&gt;</code></pre>',
    text: 'const x = a * b; // <ok>',
  },
  {
    html: '<iframe src="https://evil.example/"></iframe><style>p{color:red}</style><p>styled</p>',
    text: 'styled',
  },
  { html: '<img src="https://img.example/cat.png" alt="a cat">', text: 'a cat' },
  { html: '<!-- a hidden comment --><p>visible</p>', text: 'visible' },
  { html: '<ul><li>one</li><li>two</li></ul><ol><li>three</li></ol>', text: 'one two three' },
  { html: '<p>CDATA end ]]> inside</p>', text: 'CDATA end ]]> inside' },
];

/** WordPress stores comments as typed: newlines, not paragraphs. */
const WP_FRAGMENTS: Fragment[] = [
  {
    html: 'First line\nsecond line\n\nA new paragraph',
    text: 'First line second line A new paragraph',
  },
  {
    html: 'Tom & Jerry &amp; friends *stars* _under_',
    text: 'Tom & Jerry & friends *stars* _under_',
  },
  { html: '<pre>keep\n\n  this</pre>', text: 'keep this' },
];

/** Comments whose HTML leaves nothing visible. */
const EMPTY_BODIES = ['<script>alert(1)</script>', '<p> </p>', '<img src="x" onerror="alert(1)">'];

/** An author and the name a correct import shows. */
interface Author {
  name: string;
  username: string;
  email: string;
  ip: string;
  shown: string;
}

const SPECIAL_AUTHORS: Omit<Author, 'email' | 'ip'>[] = [
  { name: 'Zoë Ünicode', username: 'zoe_u', shown: 'Zoë Ünicode' },
  { name: '山田太郎', username: 'yamada', shown: '山田太郎' },
  { name: 'مريم', username: 'maryam', shown: 'مريم' },
  { name: 'Eve\u202Egnp.exe', username: 'eve_x', shown: 'Eve gnp.exe' },
  { name: 'Tab\tand\u0007bell', username: 'tabby', shown: 'Tab and bell' },
  { name: 'Ω'.repeat(100), username: 'omega', shown: 'Ω'.repeat(80) },
  { name: '', username: 'jdoe42', shown: 'Anonymous' },
  { name: '  ', username: '', shown: 'Anonymous' },
  { name: '<img src=x onerror=alert(1)>', username: 'imgx', shown: '<img src=x onerror=alert(1)>' },
];

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const cdata = (text: string) => `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

/** Writes text to a file in large blocks, never holding the file. */
class BlockWriter {
  readonly #fd: number;
  #parts: string[] = [];
  #size = 0;
  bytes = 0;

  constructor(path: string) {
    this.#fd = openSync(path, 'w');
  }

  write(text: string): void {
    this.#parts.push(text);
    this.#size += text.length;
    if (this.#size > 1 << 20) this.flush();
  }

  flush(): void {
    this.bytes += writeSync(this.#fd, this.#parts.join(''));
    this.#parts = [];
    this.#size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}

/** One comment as generated. */
interface Comment {
  id: string;
  parent: string | null;
  author: Author;
  html: string;
  text: string;
  time: number;
  /** Why it is left out by its own flags, or null. */
  why: string | null;
  flags: { spam?: boolean; deleted?: boolean; approved?: string; type?: string };
}

/** A thread as generated: its page, fate and comments' fates. */
interface ThreadPlan {
  key: string;
  origin: string;
  title: string;
  shownTitle: string;
  closed: boolean;
  /** Left out with all its comments, and why (thread, comments). */
  gone: [string, string] | null;
  comments: number;
  /** Comments left out by their own flags, by why. */
  own: Map<string, number>;
  kept: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const disqusTime = (ms: number, zone: boolean) => iso(ms).slice(0, 19) + (zone ? 'Z' : '');
const wpTime = (ms: number) => iso(ms).slice(0, 19).replace('T', ' ');

/**
 * Writes an export to `path` and returns what importing it must give.
 * Synchronous: the file is complete when it returns.
 */
export function writeLegacyExport(path: string, options: LegacyExportOptions): LegacyExport {
  const rand = random(options.seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const detail = options.detail ?? true;
  const wp = options.format === 'wordpress';
  const out = new BlockWriter(path);
  const authors: Author[] = [
    ...SPECIAL_AUTHORS.map((a, i) => ({
      ...a,
      email: `special${i}@mail.example`,
      ip: `198.51.100.${i + 1}`,
    })),
    ...Array.from({ length: 60 }, (_, i) => ({
      name: `Reader ${i}`,
      username: `disqus_reader_${i}_u`,
      email: `reader${i}@mail.example`,
      ip: `203.0.113.${i + 1}`,
      shown: `Reader ${i}`,
    })),
  ];
  const secrets = authors.flatMap((a) => [a.email, a.ip, a.username]).filter((s) => s !== '');
  const plans: ThreadPlan[] = [];
  const messages: { sourceId: string; plan: number; expected: ExpectedMessage }[] = [];
  let clock = Date.UTC(2012, 3, 2, 16, 26, 2);
  let nextId = 1000;
  const sourceId = (id: string) => (wp ? `wordpress:${SITE}/${id}` : `disqus:${id}`);

  /** A thread's comments: a tree with deep chains, fates and the parents a correct import gives. */
  function commentsOf(
    plan: ThreadPlan,
    count: number,
    planIndex: number,
    chain: boolean,
  ): Comment[] {
    const comments: Comment[] = [];
    for (let j = 0; j < count; j++) {
      clock += 37_000 + Math.floor(rand() * 600) * 1000;
      const r = rand();
      const parent =
        j === 0 || (!chain && r < 0.3)
          ? null
          : chain || r < 0.75
            ? comments[j - 1]!.id
            : comments[Math.floor(rand() * j)]!.id;
      const fate = chain ? 1 : rand();
      const comment: Comment = {
        id: String(nextId++),
        parent,
        author: pick(authors),
        html: '',
        text: '',
        time: clock,
        why: null,
        flags: {},
      };
      if (fate < 0.03) {
        comment.why = 'spam';
        if (wp) comment.flags.approved = 'spam';
        else comment.flags.spam = true;
      } else if (fate < 0.06) {
        comment.why = wp ? pick(['unapproved', 'trash']) : 'deleted';
        if (wp) comment.flags.approved = comment.why === 'unapproved' ? '0' : 'trash';
        else comment.flags.deleted = true;
      } else if (fate < 0.075) {
        comment.why = 'empty';
      } else if (wp && fate < 0.09) {
        comment.why = pick(['pingback', 'trackback']);
        comment.flags.type = comment.why;
      }
      if (comment.why === 'empty') {
        comment.html = pick(EMPTY_BODIES);
      } else {
        const parts =
          options.bodies === 'short' ? [] : [pick(FRAGMENTS), pick(wp ? WP_FRAGMENTS : FRAGMENTS)];
        const marker = { html: `<p>comment ${comment.id}</p>`, text: `comment ${comment.id}` };
        comment.html = [marker, ...parts].map((f) => f.html).join('\n');
        comment.text = [marker, ...parts].map((f) => f.text).join(' ');
      }
      if (comment.why === null) plan.kept++;
      else plan.own.set(comment.why, (plan.own.get(comment.why) ?? 0) + 1);
      comments.push(comment);
    }
    plan.comments = count;
    if (detail && plan.gone === null) {
      const byId = new Map(comments.map((c) => [c.id, c]));
      for (const c of comments) {
        if (c.why !== null) continue;
        let parent = c.parent === null ? undefined : byId.get(c.parent);
        while (parent !== undefined && parent.why !== null) {
          parent = parent.parent === null ? undefined : byId.get(parent.parent);
        }
        messages.push({
          sourceId: sourceId(c.id),
          plan: planIndex,
          expected: {
            threadKey: plan.key,
            parentSourceId: parent === undefined ? null : sourceId(parent.id),
            author: c.author.shown,
            text: c.text.replace(/\s+/g, ' ').trim(),
            createdAt: iso(c.time),
          },
        });
      }
    }
    return comments;
  }

  /** The file order: some replies swapped ahead of their parents. */
  function shuffled(comments: Comment[]): Comment[] {
    const order = [...comments];
    for (let i = 1; i < order.length; i++) {
      if (rand() < 0.3) [order[i - 1], order[i]] = [order[i]!, order[i - 1]!];
    }
    return order;
  }

  // Threads: the blog's, then a deleted one, one without a link, one
  // without comments, and localhost test pages (the first sharing the path
  // of the blog's first thread).
  const pageOf = (i: number) =>
    `/${2012 + (i % 9)}/${String((i % 12) + 1).padStart(2, '0')}/post-${i}-caf%C3%A9/`;
  const newPlan = (
    key: string,
    origin: string,
    i: number,
    gone: [string, string] | null,
  ): ThreadPlan => ({
    key,
    origin,
    title: `Post ${i}: Tom &amp; Jerry, “quotes”, 漢字 😀 ${i % 5 === 0 ? '\u202Ereversed' : ''}`,
    // Both exports hold titles HTML-escaped; readers see them decoded once.
    shownTitle: `Post ${i}: Tom & Jerry, “quotes”, 漢字 😀 ${i % 5 === 0 ? 'reversed' : ''}`.trim(),
    closed: i % 7 === 3,
    gone,
    comments: 0,
    own: new Map(),
    kept: 0,
  });
  for (let i = 0; i < options.threads; i++) plans.push(newPlan(pageOf(i), ORIGIN, i, null));
  // WordPress has no deleted thread, but trashed and private posts, whose
  // comments are not public.
  if (wp) {
    plans.push(
      newPlan('/trashed-post/', ORIGIN, options.threads, ['', 'on an unpublished post']),
      newPlan('/private-post/', ORIGIN, options.threads + 1, ['', 'on an unpublished post']),
    );
  } else {
    plans.push(
      newPlan('/deleted-post/', ORIGIN, options.threads, ['deleted thread', 'in a deleted thread']),
      newPlan('', ORIGIN, options.threads + 1, [
        'thread without a usable link',
        'in a thread without a usable link',
      ]),
    );
  }
  const silent = newPlan('/no-comments/', ORIGIN, options.threads + 2, null);
  plans.push(silent);
  const localhost = [pageOf(0), '/draft-1/', '/draft-2/'].map((key, i) =>
    newPlan(key, OTHER_ORIGIN, options.threads + 3 + i, null),
  );
  plans.push(...localhost);
  const missingComments = 4;

  const threadId = (i: number) => String(500_000 + i);
  const linkOf = (plan: ThreadPlan) => (plan.key === '' ? '' : `${plan.origin}${plan.key}`);
  const threadTime = (i: number) => disqusTime(Date.UTC(2012, 0, 1) + i * 3_600_000, true);

  if (wp) writeWxr();
  else writeDisqus();
  out.close();

  function writeDisqusPost(c: Comment, thread: string): void {
    const inCdata = rand() < 0.8;
    const a = c.author;
    out.write(
      `<post dsq:id="${c.id}"><id/><message>${inCdata ? cdata(c.html) : escapeXml(c.html)}</message>` +
        `<createdAt>${disqusTime(c.time, Number(c.id) % 50 !== 0)}</createdAt>` +
        `<isDeleted>${c.flags.deleted === true}</isDeleted><isSpam>${c.flags.spam === true}</isSpam>` +
        `<author><email>${a.email}</email><name>${escapeXml(a.name)}</name>` +
        `<isAnonymous>false</isAnonymous><username>${a.username}</username></author>` +
        `<ipAddress>${a.ip}</ipAddress><thread dsq:id="${thread}"/>` +
        (c.parent === null ? '' : `<parent dsq:id="${c.parent}"/>`) +
        '</post>\n',
    );
  }

  function writeDisqus(): void {
    out.write(
      '<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" ' +
        'xmlns:dsq="http://disqus.com/disqus-internals" ' +
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' +
        '<category dsq:id="1"><forum>blog</forum><title>General</title><isDefault>true</isDefault></category>\n',
    );
    plans.forEach((plan, i) => {
      out.write(
        `<thread dsq:id="${threadId(i)}"><id/><forum>blog</forum><category dsq:id="1"/>` +
          `<link>${escapeXml(linkOf(plan))}</link><title>${escapeXml(plan.title)}</title><message/>` +
          `<createdAt>${threadTime(i)}</createdAt><author><email>owner@mail.example</email>` +
          `<name>Owner</name><isAnonymous>false</isAnonymous><username>owner_u</username></author>` +
          `<ipAddress>192.0.2.1</ipAddress><isClosed>${plan.closed}</isClosed>` +
          `<isDeleted>${plan.gone?.[0] === 'deleted thread'}</isDeleted></thread>\n`,
      );
    });
    plans.forEach((plan, i) => {
      if (plan === silent) return;
      const count = plan.origin === OTHER_ORIGIN || plan.gone ? 5 : options.commentsPerThread;
      for (const c of shuffled(commentsOf(plan, count, i, i === 0)))
        writeDisqusPost(c, threadId(i));
    });
    const orphan = newPlan('', ORIGIN, -1, ['', 'thread missing']);
    for (const c of commentsOf(orphan, missingComments, -1, false)) writeDisqusPost(c, '999999999');
    out.write('</disqus>\n');
  }

  function writeWxr(): void {
    out.write(
      '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" ' +
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" ' +
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" ' +
        'xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" ' +
        'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel><title>A blog</title>' +
        `<link>${ORIGIN}</link><description>Just another blog</description><language>en-US</language>` +
        `<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>${ORIGIN}</wp:base_site_url>` +
        `<wp:base_blog_url>${ORIGIN}</wp:base_blog_url>\n`,
    );
    plans.forEach((plan, i) => {
      const status =
        plan.gone === null ? 'publish' : plan.key === '/private-post/' ? 'private' : 'trash';
      out.write(
        `<item><title>${cdata(plan.title)}</title><link>${escapeXml(linkOf(plan))}</link>` +
          `<dc:creator>${cdata('owner')}</dc:creator><content:encoded>${cdata('<p>The post</p>')}</content:encoded>` +
          `<wp:post_id>${i + 1}</wp:post_id><wp:post_date>${cdata(wpTime(Date.UTC(2012, 0, 1) + i * 3_600_000))}</wp:post_date>` +
          `<wp:post_date_gmt>${cdata(wpTime(Date.UTC(2012, 0, 1) + i * 3_600_000))}</wp:post_date_gmt>` +
          `<wp:comment_status>${cdata(plan.closed ? 'closed' : 'open')}</wp:comment_status>` +
          `<wp:status>${cdata(status)}</wp:status><wp:post_type>${cdata('post')}</wp:post_type>` +
          `<wp:postmeta><wp:meta_key>${cdata('_edit_last')}</wp:meta_key><wp:meta_value>${cdata('1')}</wp:meta_value></wp:postmeta>\n`,
      );
      if (plan !== silent) {
        const count = plan.origin === OTHER_ORIGIN || plan.gone ? 5 : options.commentsPerThread;
        for (const c of shuffled(commentsOf(plan, count, i, i === 0))) {
          const a = c.author;
          // Some plugins leave the GMT date unset: the local date is read as UTC.
          const noGmt = Number(c.id) % 40 === 0;
          out.write(
            `<wp:comment><wp:comment_id>${c.id}</wp:comment_id>` +
              `<wp:comment_author>${cdata(a.name)}</wp:comment_author>` +
              `<wp:comment_author_email>${cdata(a.email)}</wp:comment_author_email>` +
              `<wp:comment_author_url>https://reader.example/</wp:comment_author_url>` +
              `<wp:comment_author_IP>${cdata(a.ip)}</wp:comment_author_IP>` +
              `<wp:comment_date>${cdata(wpTime(c.time))}</wp:comment_date>` +
              `<wp:comment_date_gmt>${cdata(noGmt ? '0000-00-00 00:00:00' : wpTime(c.time))}</wp:comment_date_gmt>` +
              `<wp:comment_content>${rand() < 0.8 ? cdata(c.html) : escapeXml(c.html)}</wp:comment_content>` +
              `<wp:comment_approved>${cdata(c.flags.approved ?? '1')}</wp:comment_approved>` +
              `<wp:comment_type>${cdata(c.flags.type ?? (rand() < 0.5 ? 'comment' : ''))}</wp:comment_type>` +
              `<wp:comment_parent>${c.parent ?? 0}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id>` +
              '</wp:comment>\n',
          );
        }
      }
      out.write('</item>\n');
    });
    out.write('</channel>\n</rss>\n');
  }

  function expect(origins: string[] = []): LegacyExpectation {
    const allowed = (origin: string) => origins.length === 0 || origins.includes(origin);
    const skipped: Record<string, number> = {};
    const add = (why: string, n: number) => {
      if (why !== '' && n > 0) skipped[why] = (skipped[why] ?? 0) + n;
    };
    const threads: LegacyExpectation['threads'] = new Map();
    const tally = new Map<string, number>();
    const links = new Map<string, Set<string>>();
    let messageCount = 0;
    for (const plan of plans) {
      if (plan.gone !== null) {
        add(plan.gone[0], 1);
        add(plan.gone[1], plan.comments);
        continue;
      }
      if (plan.kept > 0) tally.set(plan.origin, (tally.get(plan.origin) ?? 0) + 1);
      if (!allowed(plan.origin)) {
        add('thread on another site', 1);
        add('on another site', plan.comments);
        continue;
      }
      for (const [why, n] of plan.own) add(why, n);
      if (plan.kept === 0) continue;
      messageCount += plan.kept;
      links.set(plan.key, (links.get(plan.key) ?? new Set()).add(`${plan.origin}${plan.key}`));
      const known = threads.get(plan.key);
      if (known) known.messages += plan.kept;
      else {
        threads.set(plan.key, {
          title: plan.shownTitle,
          status: plan.closed ? 'closed' : 'open',
          url: `${plan.origin}${plan.key}`,
          messages: plan.kept,
        });
      }
    }
    if (!wp) add('thread missing', missingComments);
    const expected = new Map(
      messages.filter((m) => allowed(plans[m.plan]!.origin)).map((m) => [m.sourceId, m.expected]),
    );
    const sharedKeys = new Map(
      [...links].filter(([, set]) => set.size > 1).map(([key, set]) => [key, set.size]),
    );
    return { threads, messages: expected, messageCount, skipped, origins: tally, sharedKeys };
  }

  return {
    path,
    origin: ORIGIN,
    otherOrigin: OTHER_ORIGIN,
    site: SITE,
    expect,
    secrets,
    bytes: out.bytes,
  };
}

/** Everything a reader handed its sink. */
export interface CollectedImport {
  threads: ImportThread[];
  messages: ImportMessage[];
  skipped: Record<string, number>;
}

/** Runs a reader into a sink that keeps every record, in order. */
export async function collectImport(reader: ImportReader): Promise<CollectedImport> {
  const collected: CollectedImport = { threads: [], messages: [], skipped: {} };
  await reader({
    thread: (thread) => {
      collected.threads.push(thread);
    },
    message: (message) => {
      collected.messages.push(message);
    },
    report: () => {
      throw new Error('a legacy export has no reports');
    },
    skip: (why, count = 1) => {
      collected.skipped[why] = (collected.skipped[why] ?? 0) + count;
    },
  });
  return collected;
}

/** The text a reader sees in rendered comment HTML, whitespace runs as one space. */
export function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The tags rendered comment HTML may hold, with the attributes each may carry (render.test.ts checks the renderer against it too). */
export const INERT_TAGS: Record<string, readonly string[]> = {
  p: [],
  br: [],
  strong: [],
  em: [],
  s: [],
  del: [],
  code: [],
  pre: [],
  blockquote: [],
  ul: [],
  ol: ['start'],
  li: [],
  a: ['href', 'rel'],
  hr: [],
};

/** What in rendered HTML could run or load anything: empty when it is inert. */
export function liveMarkup(html: string): string[] {
  const problems: string[] = [];
  for (const tag of html.matchAll(/<\/?([^\s/>]+)([^>]*)>/g)) {
    const name = tag[1]!.toLowerCase();
    const allowed = INERT_TAGS[name];
    if (allowed === undefined) {
      problems.push(`<${name}>`);
      continue;
    }
    for (const attribute of (tag[2] ?? '').matchAll(/([^\s=/"']+)(?:\s*=\s*"([^"]*)")?/g)) {
      const attr = attribute[1]!.toLowerCase();
      if (!allowed.includes(attr)) problems.push(`${name}[${attr}]`);
      if (attr === 'href' && !/^(https?:|mailto:)/i.test(attribute[2] ?? '')) {
        problems.push(`href=${attribute[2]}`);
      }
    }
  }
  return problems;
}
