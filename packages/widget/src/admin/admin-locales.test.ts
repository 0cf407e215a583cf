/**
 * The moderation page in every shipped locale: no English leaks into any
 * state (text, names, placeholders), plural forms are right for 0, 1, 2, 5
 * and 21, right-to-left locales mirror, and the locale comes from the
 * `locale` attribute, else the closest `lang`, else the browser.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { Plural } from '../i18n/en.js';
import { LOCALES, type Locale } from '../i18n/locales.js';
import { json, route, SERVER, serveDeliveries, useFakeServer } from '../testing/fake-server.js';
import {
  $,
  $$,
  ago,
  button,
  makeDelivery,
  makeMessage,
  makeThread,
  roots,
  serve,
  TOKEN,
  text,
  type,
} from './admin-fixtures.js';
import ar from './locales/ar.js';
import de from './locales/de.js';
import { type AdminCatalog, en } from './locales/en.js';
import es from './locales/es.js';
import fr from './locales/fr.js';
import he from './locales/he.js';
import ja from './locales/ja.js';
import ptBR from './locales/pt-BR.js';
import zhHans from './locales/zh-Hans.js';
import type { ParleyAdmin } from './parley-admin.js';

useFakeServer();

const catalogs: Record<Exclude<Locale, 'en'>, AdminCatalog> = {
  de,
  fr,
  es,
  'pt-BR': ptBR,
  ja,
  'zh-Hans': zhHans,
  ar,
  he,
};

/** Every string of a catalog by its path (`tabs.queue`, `found.other`). */
function flatten(c: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(c)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [p, s] of flatten(v, `${prefix}${k}.`)) out.set(p, s);
  }
  return out;
}

/**
 * The English words that must not show in `locale`: each English string's
 * fixed parts (around its placeholders), unless the locale's own string at
 * that path has the same word ("Spam", "Webhook", "Export" in "Exportieren"),
 * and nothing shorter than four letters ("in", " (") that would match inside
 * any word.
 */
function englishFor(locale: Exclude<Locale, 'en'>): string[] {
  const own = flatten(catalogs[locale]);
  const words = new Set<string>();
  for (const [path, value] of flatten(en)) {
    for (const part of value.split(/\{\w+\}/)) {
      const p = part
        .trim()
        .replace(/^[,.:;()“”]+|[,.:;()“”]+$/g, '')
        .trim();
      if (p.length < 4 || !/[a-z]{3}/i.test(p)) continue;
      // The same word at the same place is the locale's own choice ("Spam").
      if (own.get(path)?.includes(p)) continue;
      words.add(p);
    }
  }
  return [...words];
}

/** What a moderator sees or hears in `el`: text, accessible names, placeholders, titles. */
function seen(el: ParleyAdmin): string {
  const parts: string[] = [];
  for (const root of roots(el.shadowRoot!)) {
    for (const node of root.querySelectorAll('*')) {
      if (node.closest('[part~=body], [part~=source]')) continue;
      for (const attr of ['aria-label', 'placeholder', 'title']) {
        const v = node.getAttribute(attr);
        if (v) parts.push(v);
      }
      for (const child of node.childNodes)
        if (child.nodeType === Node.TEXT_NODE && child.textContent?.trim())
          parts.push(child.textContent.trim());
    }
  }
  return parts.join('\n');
}

/**
 * What readers wrote, in English on purpose, and the deliveries' event types
 * (`message.created`: the webhook's own names, the same in every language):
 * never counted as a leak.
 */
const READERS =
  /Thread \/blog\/post-\d|Reader \d+|Message number|Rude|Laptop|What the thread is about\.|message\.created/g;

function expectNoEnglish(el: ParleyAdmin, locale: Exclude<Locale, 'en'>, state: string) {
  const shown = seen(el).replace(READERS, '');
  const leaks = englishFor(locale).filter((w) => shown.includes(w));
  expect(leaks, `${locale}, ${state}: English on screen`).to.deep.equal([]);
}

async function mountIn(locale: string) {
  const el = await fixture<ParleyAdmin>(
    html`<parley-admin server=${SERVER} locale=${locale}></parley-admin>`,
  );
  await waitUntil(() => el.shadowRoot!.querySelector('h1'), `${locale} did not render`);
  return el;
}

/** Every list full, so every kind of card, note and badge is on screen. */
function serveFull(
  threadList = [
    makeThread('/blog/post-1'),
    makeThread('/blog/post-2', { title: null, status: 'closed', summarySource: 'automatic' }),
  ],
) {
  serve(
    {
      pending: [makeMessage(1, { status: 'pending', threadPublic: false, threadTitle: 'New' })],
      reported: [
        makeMessage(2, { reportCount: 2, reports: [{ reason: 'Rude', createdAt: ago(1) }] }),
      ],
      published: [
        makeMessage(3, { highlighted: true, author: { name: 'Ada', role: 'owner' } }),
        makeMessage(6, { editedAt: ago(1) }),
      ],
      hidden: [
        makeMessage(4, {
          status: 'hidden',
          hiddenReason: 'reports',
          reportCount: 3,
          reports: [{ reason: null, createdAt: ago(2) }],
        }),
        makeMessage(7, { status: 'hidden', hiddenReason: 'moderator' }),
      ],
      spam: [makeMessage(5, { status: 'spam' })],
    },
    threadList,
  );
  route('GET', '/api/admin/owner-keys', () =>
    json({
      ownerKeys: [
        { id: 1, label: 'Laptop', createdAt: ago(60), lastUsedAt: ago(5) },
        { id: 2, label: 'Phone', createdAt: ago(60), lastUsedAt: null },
      ],
    }),
  );
  serveDeliveries(
    [
      makeDelivery(1, {
        attempts: 9,
        lastError: 'HTTP 500',
        failedAt: ago(1),
        nextAttemptAt: null,
      }),
      makeDelivery(2, { channel: 'mail', type: 'reply', target: 'reader' }),
      makeDelivery(3, {
        channel: 'mail',
        type: 'digest',
        target: 'owner',
        deliveredAt: ago(3),
        lastAttemptAt: ago(3),
        attempts: 1,
      }),
    ],
    TOKEN,
  );
}

async function signInAs(el: ParleyAdmin, c: AdminCatalog) {
  type(el, '#token', TOKEN);
  button(el, c.signIn).click();
  await waitUntil(() => $(el, '[role=tablist]'), 'not signed in');
  await waitUntil(() => !$(el, '#panel-queue [aria-busy=true]'), 'queue did not load');
}

async function openTabIn(el: ParleyAdmin, name: string) {
  const tab = $$<HTMLButtonElement>(el, '[role=tab]').find((t) => text(t).startsWith(name))!;
  tab.click();
  await el.updateComplete;
  await waitUntil(() => !$(el, '[role=tabpanel]:not([hidden]) [aria-busy=true]'), 'tab not loaded');
}

describe('<parley-admin> in every shipped locale', () => {
  for (const locale of LOCALES) {
    it(`${locale}: shows no English, signed out, refused, and on every tab`, async function () {
      (this as { timeout(ms: number): void }).timeout(30_000);
      const c = catalogs[locale];
      serveFull();
      const el = await mountIn(locale);
      expect(text($(el, 'h1'))).to.equal(c.title);
      expectNoEnglish(el, locale, 'sign-in form');
      // A refused token: the server's English words give way to the catalog's.
      type(el, '#token', 'wrong-token-wrong-token');
      button(el, c.signIn).click();
      await waitUntil(() => $(el, '.sign-in [part~=error]'), 'no error');
      expect(text($(el, '.sign-in [part~=error]'))).to.equal(c.errors.unauthorized);
      expectNoEnglish(el, locale, 'refused token');
      await signInAs(el, c);
      expectNoEnglish(el, locale, c.tabs.queue);
      for (const tab of ['hidden', 'spam', 'recent', 'threads', 'owner', 'deliveries'] as const) {
        await openTabIn(el, c.tabs[tab]);
        expectNoEnglish(el, locale, c.tabs[tab]);
      }
      await openTabIn(el, c.tabs.threads);
      button(el, c.edit).click();
      await waitUntil(() => $(el, '[part~=form] textarea'), 'no edit form');
      expectNoEnglish(el, locale, 'editing a thread');
    });
  }

  it('counts with the right plural form for 0, 1, 2, 5 and 21 in every locale', async function () {
    (this as { timeout(ms: number): void }).timeout(30_000);
    const counts = [0, 1, 2, 5, 21];
    serveFull(
      counts.map((n) =>
        makeThread(`/t/${n}`, {
          messageCount: n,
          highlightCount: n,
          pendingCount: n,
          reportedCount: n,
        }),
      ),
    );
    const cards = (el: ParleyAdmin) => $$(el, '#panel-threads [part~=thread]').map(text);
    const expected: Partial<Record<Locale, string[]>> = {
      de: ['0 Beiträge', '1 Beitrag', '2 Beiträge', '5 Beiträge', '21 Beiträge'],
      fr: ['0 message', '1 message', '2 messages', '5 messages', '21 messages'],
      ar: ['لا رسائل', 'رسالة واحدة', 'رسالتان', '5 رسائل', '21 رسالة'],
      he: ['0 הודעות', 'הודעה אחת', 'שתי הודעות', '5 הודעות', '21 הודעות'],
      ja: [
        'メッセージ 0 件',
        'メッセージ 1 件',
        'メッセージ 2 件',
        'メッセージ 5 件',
        'メッセージ 21 件',
      ],
    };
    for (const locale of ['en', ...LOCALES] as const) {
      const c = locale === 'en' ? en : catalogs[locale];
      const el = await mountIn(locale);
      await signInAs(el, c);
      await openTabIn(el, c.tabs.threads);
      const shown = cards(el);
      const rules = new Intl.PluralRules(locale);
      counts.forEach((n, at) => {
        const category = rules.select(n);
        for (const key of [
          'threadMessages',
          'threadHighlights',
          'threadPending',
          'threadReported',
        ] as const) {
          const forms: Plural = c[key];
          // Each category the language has must be written, not left to `other`,
          // unless the words do not change with the number at all ("{n} pending").
          if (Object.keys(forms).length > 1)
            expect(forms[category], `${locale} ${key} has no "${category}" form`).to.be.a('string');
          const words = (forms[category] ?? forms.other).replace(
            '{n}',
            new Intl.NumberFormat(locale).format(n),
          );
          expect(shown[at], `${locale}, ${n}`).to.include(words);
        }
        const mine = expected[locale]?.[at];
        if (mine) expect(shown[at], `${locale}, ${n}`).to.include(mine);
      });
      el.remove();
      // Signed out again: the next locale starts at its sign-in form.
      sessionStorage.clear();
    }
  });
});

describe('<parley-admin> right to left', () => {
  for (const locale of ['ar', 'he'] as const) {
    it(`${locale}: lays out right to left, tabs from the right, arrow keys mirrored`, async function () {
      (this as { timeout(ms: number): void }).timeout(20_000);
      const c = catalogs[locale];
      serveFull();
      const el = await mountIn(locale);
      const root = $(el, '.admin');
      expect(root.getAttribute('dir')).to.equal('rtl');
      expect(root.getAttribute('lang')).to.equal(locale);
      await signInAs(el, c);
      const tabs = $$(el, '[role=tab]');
      const first = tabs[0]!.getBoundingClientRect();
      const second = tabs[1]!.getBoundingClientRect();
      // The first tab is the rightmost; the notice's accent bar is on its right, where reading starts.
      expect(first.left).to.be.greaterThan(second.left);
      const notice = getComputedStyle($(el, '.notice'));
      expect(notice.borderRightWidth).to.equal('3px');
      expect(notice.borderLeftWidth).to.equal('0px');
      tabs[0]!.focus();
      await sendKeys({ press: 'ArrowLeft' });
      await el.updateComplete;
      expect(tabs[1]!.getAttribute('aria-selected'), 'ArrowLeft moves to the next tab').to.equal(
        'true',
      );
      await sendKeys({ press: 'ArrowRight' });
      await el.updateComplete;
      expect(tabs[0]!.getAttribute('aria-selected')).to.equal('true');
    });
  }

  it('lays out left to right in the other locales', async () => {
    serveFull();
    const el = await mountIn('de');
    expect($(el, '.admin').getAttribute('dir')).to.equal('ltr');
    await signInAs(el, catalogs.de);
    const tabs = $$(el, '[role=tab]');
    expect(tabs[0]!.getBoundingClientRect().left).to.be.lessThan(
      tabs[1]!.getBoundingClientRect().left,
    );
  });
});

describe('<parley-admin> locale resolution', () => {
  const title = (el: ParleyAdmin) => text($(el, 'h1'));

  it('takes the closest lang of the page, a region reading its language', async () => {
    serve();
    const wrap = await fixture(
      html`<div lang="fr"><section lang="de-AT"><parley-admin server=${SERVER}></parley-admin></section></div>`,
    );
    const el = wrap.querySelector('parley-admin')!;
    await waitUntil(() => title(el) === catalogs.de.title, 'not German');
    expect($(el, '.admin').getAttribute('lang')).to.equal('de');
  });

  it('lets the locale attribute win over lang, and follows it when it changes', async () => {
    serve();
    const wrap = await fixture(
      html`<div lang="ja"><parley-admin server=${SERVER} locale="he"></parley-admin></div>`,
    );
    const el = wrap.querySelector('parley-admin')!;
    await waitUntil(() => title(el) === catalogs.he.title, 'not Hebrew');
    el.setAttribute('locale', 'zh-CN');
    await waitUntil(() => title(el) === catalogs['zh-Hans'].title, 'not Chinese');
    el.removeAttribute('locale');
    await waitUntil(() => title(el) === catalogs.ja.title, 'not Japanese');
  });

  it('reads English for a language it does not ship or a tag Intl refuses, else the browser', async () => {
    serve();
    for (const lang of ['ko', 'not a tag!']) {
      const wrap = await fixture(
        html`<div lang=${lang}><parley-admin server=${SERVER}></parley-admin></div>`,
      );
      const el = wrap.querySelector('parley-admin')!;
      await waitUntil(() => title(el) === en.title, `${lang}: not English`);
    }
    // No lang anywhere: the browser's language (the test browser's is English).
    const el = await fixture<ParleyAdmin>(html`<parley-admin server=${SERVER}></parley-admin>`);
    await waitUntil(() => title(el) === en.title, 'not the browser language');
    expect(navigator.language.startsWith('en')).to.equal(true);
  });
});
