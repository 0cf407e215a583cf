import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderComment } from '../markdown/render.ts';
import type { NotifiedMessage, Thread } from '../wire.ts';
import {
  headerText,
  mailBodyHtml,
  type OwnerNotice,
  renderConfirmation,
  renderDigest,
  renderOwnerMail,
  renderReplyMail,
} from './mail-render.ts';

const HOSTILE = '<script>alert(1)</script> "Eve" & <b>co</b>';

const thread = (over: Partial<Thread> = {}): Thread => ({
  key: '/blog/post',
  title: 'A <i>post</i>',
  summary: null,
  url: 'https://blog.example/blog/post',
  status: 'open',
  messageCount: 1,
  highlightCount: 0,
  lastActivityAt: '2026-03-01T12:00:00.000Z',
  createdAt: '2026-03-01T12:00:00.000Z',
  summarySource: null,
  ...over,
});

const message = (body: string, over: Partial<NotifiedMessage> = {}): NotifiedMessage => ({
  id: 7,
  parentId: null,
  kind: 'reply',
  author: { name: 'Ada' },
  html: renderComment(body).html,
  createdAt: '2026-03-01T12:00:05.000Z',
  editedAt: null,
  highlighted: false,
  status: 'published',
  body,
  url: 'https://blog.example/blog/post#parley-7',
  heldReason: null,
  reportCount: 0,
  ...over,
});

const created = (m: NotifiedMessage, t = thread()): OwnerNotice => ({
  type: 'message.created',
  data: { thread: t, message: m },
});

/** Every URL a document would fetch or link to, and every element name in it. */
function audit(html: string) {
  return {
    tags: [
      ...new Set([...html.matchAll(/<([a-z][a-z0-9]*)/gi)].map((m) => m[1]!.toLowerCase())),
    ].sort(),
    hrefs: [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!),
  };
}

const ADMIN = 'https://comments.blog.example/admin';

describe('the HTML of every mail', () => {
  const hostileBody = [
    'Look ![pixel](https://tracker.example/p.gif) and [click](javascript:alert(1))',
    '<img src=x onerror=alert(1)> <style>p{}</style>',
    '[mail](mailto:a@example.org) [site](https://site.example/a?b=1&c=2)',
    '',
    '> quoted *em* **strong** `code` ~~gone~~',
    '',
    '---',
  ].join('\n');
  const mails = [
    renderOwnerMail(
      created(message(hostileBody, { author: { name: HOSTILE } }), thread({ title: HOSTILE })),
      ADMIN,
    ),
    renderDigest(
      [created(message(hostileBody, { author: { name: HOSTILE } }), thread({ title: HOSTILE }))],
      ADMIN,
    ),
    renderReplyMail(
      {
        thread: thread({ title: HOSTILE }),
        reply: message(hostileBody, { author: { name: HOSTILE } }),
        parentExcerpt: HOSTILE,
        parentHtml: renderComment(HOSTILE).html,
      },
      {
        site: 'comments.blog.example',
        unsubscribeUrl: 'https://comments.blog.example/notifications/unsubscribe?token=1.a',
      },
    ),
    renderConfirmation({
      site: 'comments.blog.example',
      confirmUrl: 'https://comments.blog.example/notifications/confirm?token=1.2.a',
      unsubscribeUrl: 'https://comments.blog.example/notifications/unsubscribe?token=1.a',
      validDays: 7,
    }),
  ];

  it('loads nothing: no image, no source, no style sheet, no script', () => {
    for (const { html } of mails) {
      // As markup: the reader's own text may say `<img src=x>`, escaped, as text.
      assert.doesNotMatch(html, /<(img|link|style|script|iframe|svg|form|object|embed)\b/i, html);
      assert.doesNotMatch(html, /<[^>]*\s(src|style|background|on\w+)\s*=/i, html);
      const { tags } = audit(html);
      for (const tag of tags) {
        assert.ok(
          [
            '!doctype',
            'html',
            'head',
            'meta',
            'title',
            'body',
            'p',
            'br',
            'a',
            'em',
            'strong',
            'code',
            'pre',
            'blockquote',
            'ul',
            'ol',
            'li',
            'h2',
            'hr',
          ].includes(tag),
          `unexpected <${tag}>`,
        );
      }
    }
  });

  it('shows names and titles as text: a <script> in a name arrives as those characters', () => {
    for (const { html, text } of mails.slice(0, 3)) {
      assert.match(
        html,
        /&lt;script&gt;alert\(1\)&lt;\/script&gt; &quot;Eve&quot; &amp; &lt;b&gt;co&lt;\/b&gt;/,
      );
      assert.ok(text.includes(HOSTILE), 'the text part has the name as written');
    }
  });

  it('links only over http(s): the blog, /admin, the confirm and unsubscribe pages, and the message’s own web links', () => {
    for (const { html } of mails) {
      for (const href of audit(html).hrefs) assert.match(href, /^https:\/\//, href);
    }
    const [owner, , reply, confirmation] = mails.map((m) => audit(m!.html).hrefs);
    // An image in the message is a link to it, as on the blog: never loaded.
    assert.deepEqual(owner, [
      'https://tracker.example/p.gif',
      'https://site.example/a?b=1&amp;c=2',
      'https://blog.example/blog/post#parley-7',
      ADMIN,
    ]);
    assert.deepEqual(reply, [
      'https://tracker.example/p.gif',
      'https://site.example/a?b=1&amp;c=2',
      'https://blog.example/blog/post#parley-7',
      'https://comments.blog.example/notifications/unsubscribe?token=1.a',
    ]);
    assert.deepEqual(confirmation, [
      'https://comments.blog.example/notifications/confirm?token=1.2.a',
      'https://comments.blog.example/notifications/unsubscribe?token=1.a',
    ]);
  });

  it('keeps only absolute http(s) links: relative, //, \\, fragment, query and obfuscated hrefs lose the link, keep the text', () => {
    const hostile = [
      '[a](JaVa&#x0a;ScRiPt:alert(1))',
      '[b](/%5Cevil.example)',
      '[c](.//evil.example)',
      '[d](#frag)',
      '[e](?q=1)',
      '[f](//evil.example)',
      '[g](\\\\evil.example)',
      '[h](https://ok.example/x?y=1)',
    ].join(' ');
    const fromMarkdown = mailBodyHtml(renderComment(hostile).html);
    assert.equal(fromMarkdown, '<p>a b c d e f g <a href="https://ok.example/x?y=1">h</a></p>');
    // Stored HTML written by hand (an import, an older renderer): the same.
    for (const href of [
      'JaVa&#x0a;ScRiPt:alert(1)',
      '/%5Cevil.example',
      './/evil.example',
      '#frag',
      '?q=1',
      '//evil.example',
      '\\\\evil.example',
      'https:/\\evil.example',
      'http:evil.example',
      ' javascript:alert(1)',
    ]) {
      assert.equal(mailBodyHtml(`<p><a href="${href}">t</a></p>`), '<p>t</p>', href);
    }
  });

  it('renders the reader’s own message in a reply mail like the reply, from its stored HTML', () => {
    const parentBody = 'Who *knows* [this](https://docs.example/q)? [x](/relative)';
    const { html, text } = renderReplyMail(
      {
        thread: thread(),
        reply: message('An **answer**'),
        parentExcerpt: parentBody,
        parentHtml: renderComment(parentBody).html,
      },
      { site: 'blog.example', unsubscribeUrl: 'https://c.example/u?token=1.2.a' },
    );
    assert.match(
      html,
      /<p>Your message:<\/p>\n<blockquote><p>Who <em>knows<\/em> <a href="https:\/\/docs\.example\/q">this<\/a>\? x<\/p><\/blockquote>/,
    );
    assert.doesNotMatch(html, /\*knows\*/, 'no raw markdown in the HTML part');
    assert.match(text, /Your message:\n> Who \*knows\*/, 'the text part quotes the markdown');
  });

  it('names the blog the reader was on in reply mail and confirmations', () => {
    const reply = renderReplyMail(
      {
        thread: thread(),
        reply: message('An answer'),
        parentExcerpt: 'q',
        parentHtml: '<p>q</p>',
      },
      { site: 'blog.example', unsubscribeUrl: 'https://c.example/u?token=1.2.a' },
    );
    assert.equal(reply.subject, 'Ada replied to you on "A <i>post</i>" (blog.example)');
    assert.match(reply.text, /your messages on blog\.example\./);
    const confirmation = renderConfirmation({
      site: 'blog.example',
      confirmUrl: 'https://c.example/notifications/confirm?token=1.2.a',
      unsubscribeUrl: 'https://c.example/u?token=1.2.a',
      validDays: 7,
    });
    assert.equal(confirmation.subject, 'Confirm reply mail from blog.example');
    assert.match(confirmation.text, /asked blog\.example to mail this address/);
  });

  it('keeps the message’s emphasis, quote and code, drops the rest to text', () => {
    const html = mailBodyHtml(
      renderComment('> quoted *em* **strong** `code` ~~gone~~\n\n---').html,
    );
    assert.equal(
      html,
      '<blockquote>\n<p>quoted <em>em</em> <strong>strong</strong> <code>code</code> gone</p>\n</blockquote>',
    );
  });
});

describe('subjects', () => {
  it('are one line whatever the name or title holds', () => {
    assert.equal(
      headerText('Eve\r\nBcc: victim@example.org\u2028x\u202Ey'),
      'Eve Bcc: victim@example.org x y',
    );
    const mail = renderOwnerMail(
      created(
        message('hi', { author: { name: 'Eve\r\nBcc: x@example.org' } }),
        thread({ title: 'T\nX-Evil: 1' }),
      ),
      ADMIN,
    );
    assert.doesNotMatch(mail.subject, /[\r\n]/);
    assert.equal(
      mail.subject,
      'New message from Eve Bcc: x@example.org on "T X-Evil: 1" (/blog/post)',
    );
  });

  it('are cut to 150 characters', () => {
    const subject = headerText('x'.repeat(400));
    assert.equal([...subject].length, 150);
    assert.ok(subject.endsWith('…'));
  });
});

describe('the owner’s mail', () => {
  it('says why a message waits and links to the thread, not to a message readers cannot see', () => {
    const held = message('visit the casino', { status: 'pending', heldReason: 'held_words' });
    const mail = renderOwnerMail(
      { type: 'message.pending', data: { thread: thread(), message: held } },
      ADMIN,
    );
    assert.equal(mail.subject, 'Waiting for review: Ada on "A <i>post</i>" (/blog/post)');
    assert.match(mail.text, /Why it waits: it contains a word from PARLEY_HELD_WORDS\./);
    assert.match(mail.text, /The thread on the blog: https:\/\/blog\.example\/blog\/post\n/);
    assert.doesNotMatch(mail.text, /#parley-7/);
    assert.match(mail.text, /Moderate: https:\/\/comments\.blog\.example\/admin/);
  });

  it('gives a report’s reason and count, and says when the reports hid it', () => {
    const mail = renderOwnerMail(
      {
        type: 'message.reported',
        data: {
          thread: thread(),
          message: message('rude words', { status: 'hidden', reportCount: 3 }),
          report: { reason: 'insulting', count: 3, hidden: true },
        },
      },
      ADMIN,
    );
    assert.equal(mail.subject, 'Hidden by reports: Ada on "A <i>post</i>" (/blog/post)');
    assert.match(
      mail.text,
      /Reason given: insulting\nOpen reports: 3\. The reports hid it until you decide\./,
    );
  });

  it('digests an hour grouped by thread, in the order threads first appear', () => {
    const other = thread({ key: '/blog/other', title: 'Other', url: null });
    const mail = renderDigest(
      [
        created(message('one')),
        created(message('two', { id: 8 }), other),
        {
          type: 'message.pending',
          data: {
            thread: thread(),
            message: message('three', { id: 9, status: 'spam', heldReason: 'spam' }),
          },
        },
      ],
      ADMIN,
    );
    assert.equal(mail.subject, 'Parley: 2 new, 1 spam');
    const order = [
      '== A <i>post</i> (/blog/post) ==',
      '> one',
      'Spam: Ada',
      '> three',
      '== Other (/blog/other) ==',
      '> two',
    ];
    let at = -1;
    for (const part of order) {
      const next = mail.text.indexOf(part, at + 1);
      assert.ok(next > at, `${part} after the one before it in:\n${mail.text}`);
      at = next;
    }
  });
});
