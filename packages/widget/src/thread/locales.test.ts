/**
 * `<parley-thread>` in every shipped language: which locale a page gets
 * (attribute, closest `lang` across shadow roots, browser), no English string
 * left in any state (reading, actions, the form's errors, reporting, editing,
 * the highlights view, a gap, the error state), plural forms, right-to-left
 * layout, and a locale changed at run time.
 */
import { expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import type { Message } from '@parley/server/wire';
import { en } from '../i18n/en.js';
import { enActions } from '../i18n/en-actions.js';
import { enLong } from '../i18n/en-long.js';
import { plural } from '../i18n/format.js';
import ar from '../i18n/locales/ar.js';
import de from '../i18n/locales/de.js';
import es from '../i18n/locales/es.js';
import fr from '../i18n/locales/fr.js';
import he from '../i18n/locales/he.js';
import ja from '../i18n/locales/ja.js';
import ptBR from '../i18n/locales/pt-BR.js';
import zhHans from '../i18n/locales/zh-Hans.js';
import { LOCALES, match } from '../i18n/locales.js';
import type { ParleyThread } from './parley-thread.js';
import {
  $,
  $$,
  apiError,
  calls,
  json,
  makeMessage,
  mount,
  opening,
  route,
  SERVER,
  serveFeatures,
  serveThread,
  text,
  threadPath,
  type,
  uniqueKey,
} from './test-support.js';

const CATALOGS = { de, fr, es, 'pt-BR': ptBR, ja, 'zh-Hans': zhHans, ar, he };
const ENGLISH: Record<string, unknown> = { ...en, ...enActions, ...enLong };

/**
 * Catalog keys whose text is rightly the same as English's in a language
 * (the counter is digits and a slash everywhere).
 */
const SAME: Record<string, string[]> = { de: ['name'], fr: ['message'] };

/** Every English string as a whole-text pattern (placeholders match anything), with its key. */
function englishPatterns(locale: string) {
  const out: [string, RegExp, string][] = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'string') {
      const source = value
        .split(/\{\w+\}/)
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.+');
      out.push([path, new RegExp(`^${source}$`), value]);
    } else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
  };
  for (const [key, value] of Object.entries(ENGLISH))
    if (key !== 'counter' && !SAME[locale]?.includes(key)) walk(value, key);
  return out;
}

/**
 * The English strings on screen: whole text nodes and names (`aria-label`,
 * `title`, `placeholder`) that are an English catalog string, or that hold
 * one of the longer ones. The honeypot, hidden from every person and tool,
 * is not looked at.
 */
function englishIn(el: ParleyThread, locale: string): string[] {
  const root = el.shadowRoot!;
  const seen: string[] = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode())
    if (!n.parentElement?.closest('[hidden]')) seen.push(n.textContent!.trim());
  for (const node of root.querySelectorAll('[aria-label],[title],[placeholder]'))
    for (const name of ['aria-label', 'title', 'placeholder'])
      if (node.hasAttribute(name)) seen.push(node.getAttribute(name)!.trim());
  const found: string[] = [];
  for (const [key, pattern, english] of englishPatterns(locale))
    for (const s of seen)
      if (s && (pattern.test(s) || (english.length >= 12 && s.includes(english))))
        found.push(`${key}: ${s}`);
  return found;
}

/** Mounts the element inside an element with `lang` (the page's language). */
const mountIn = (lang: string, attrs: Record<string, string>) => {
  const wrapper = document.createElement('div');
  wrapper.lang = lang;
  return mount(attrs, wrapper);
};

const tokens = (byId: Record<number, string>) =>
  localStorage.setItem('parley:edit-tokens', JSON.stringify({ [SERVER]: byId }));

/**
 * A thread with everything the reading view and the actions show: the
 * owner's opening post, a highlighted reply, an edited one of this reader's,
 * a chain deeper than the nesting ("in reply to"), an automatic summary and
 * a next page ("Load more replies").
 */
function serveRich(key: string) {
  const chain = [5, 6, 7, 8].map((id) => makeMessage(id, { parentId: id - 1 }));
  serveThread(
    key,
    { summarySource: 'automatic', messageCount: 40, highlightCount: 1 },
    [
      opening,
      makeMessage(2, { highlighted: true }),
      makeMessage(3, { editedAt: makeMessage(3).createdAt }),
      makeMessage(4),
      ...chain,
    ],
    'c8',
  );
  route('GET', `${threadPath(key)}/messages`, (req) => {
    const q = new URL(req.url).searchParams;
    return json({
      messages: q.get('highlighted') === 'true' ? [makeMessage(2, { highlighted: true })] : [],
      nextCursor: null,
    });
  });
}

describe('<parley-thread> languages', () => {
  afterEach(() => {
    localStorage.clear();
    history.replaceState(null, '', location.pathname + location.search);
  });

  it('shows no English while a locale chunk loads, only the skeleton', async () => {
    const key = uniqueKey();
    serveThread(key);
    const shown: string[] = [];
    const wrapper = document.createElement('div');
    wrapper.lang = 'ar';
    const el = await mount({ thread: key }, wrapper, (el) => shown.push(...englishIn(el, 'ar')));
    expect(shown).to.deep.equal([]);
    expect(text($(el, '[part~=status]'))).to.equal(ar.open);
  });

  for (const locale of LOCALES) {
    const t = CATALOGS[locale];

    it(`renders every state in ${locale} without an English string`, async () => {
      const key = uniqueKey();
      serveRich(key);
      serveFeatures({ replyMail: true });
      tokens({ 3: 'token-3' });
      const el = await mountIn(locale, { thread: key, 'back-href': '/' });
      const leaks = () => englishIn(el, locale);
      expect(text($(el, '[part~=status]'))).to.equal(t.open);
      expect($(el, '[part~=load-more]')).to.exist;
      expect(text($(el, '#parley-8')), 'deep in the chain').to.contain(
        t.inReplyTo.replace('{name}', 'Reader 7'),
      );
      expect(leaks(), 'reading, with actions').to.deep.equal([]);

      // The form's errors, with reply mail ticked and no address.
      type(el, '#parley-body', '');
      await waitUntil(() => $(el, '#parley-notify'), 'reply mail offered');
      $<HTMLInputElement>(el, '#parley-notify').click();
      await el.updateComplete;
      $<HTMLButtonElement>(el, '#parley-form .primary').click();
      await el.updateComplete;
      expect(text($(el, '#parley-form'))).to.contain(t.nameRequired);
      expect(leaks(), 'the form with errors').to.deep.equal([]);

      // Reporting, deleting and editing.
      $<HTMLButtonElement>(el, '#parley-2 .report').click();
      await el.updateComplete;
      expect($(el, '[part~=report]')).to.exist;
      $<HTMLButtonElement>(el, '#parley-3 .delete').click();
      await el.updateComplete;
      expect(text($(el, '#parley-3 [part~=actions]'))).to.contain(
        t.deleteQuestion.replace(/\s+/g, ' '),
      );
      expect(leaks(), 'report step and delete question').to.deep.equal([]);
      $<HTMLButtonElement>(el, '#parley-3 .cancel').click();
      await el.updateComplete;
      $<HTMLButtonElement>(el, '#parley-3 .edit').click();
      await el.updateComplete;
      expect($(el, '[part~=editor]')).to.exist;
      expect(leaks(), 'the editor').to.deep.equal([]);

      // The highlights view.
      $$(el, '[part~=view] > button')[1]!.click();
      await waitUntil(
        () => $(el, '[part~=messages]')?.getAttribute('aria-label') === t.highlightsList,
      );
      expect(leaks(), 'the highlights view').to.deep.equal([]);
      el.remove();
    });

    it(`shows a gap in a long thread and the error state in ${locale}`, async () => {
      history.replaceState(null, '', `${location.pathname}${location.search}#parley-60`);
      const key = uniqueKey();
      const listing: Message[] = Array.from({ length: 60 }, (_, i) => makeMessage(10 + i));
      serveThread(key, { messageCount: 61 }, [opening, ...listing.slice(0, 5)], 'c5');
      route('GET', `${threadPath(key)}/messages`, () =>
        // The page that holds 60 (ids 55..69); 50 replies (15..54) before it are not loaded.
        json({ messages: listing.slice(45), nextCursor: null, before: 45 }),
      );
      const el = await mountIn(locale, { thread: key });
      await waitUntil(() => $(el, '[part~=gap]'), 'the gap');
      expect(text($(el, '[part~=gap]'))).to.equal(plural(locale, t.earlierReplies, 40));
      expect(englishIn(el, locale), 'a gap').to.deep.equal([]);
      el.remove();

      const down = uniqueKey();
      route('GET', threadPath(down), () => apiError(500, 'internal'));
      const failed = await mountIn(locale, { thread: down });
      expect(text($(failed, '.unavailable'))).to.contain(t.unavailable);
      expect(englishIn(failed, locale), 'the error state').to.deep.equal([]);
    });
  }

  it('says what the server refused in the reader’s language, not the server’s English', async () => {
    const key = uniqueKey();
    serveThread(key);
    route('POST', `${threadPath(key)}/messages`, () =>
      apiError(400, 'invalid_request', {
        issues: [
          { path: 'author', message: 'Name contains control characters' },
          { path: 'body', message: 'Message must not be empty' },
          { path: 'thread.url', message: 'must be on an allowed origin' },
        ],
      }),
    );
    const el = await mountIn('de', { thread: key });
    type(el, '#parley-author', 'Gr\u202eace');
    type(el, '#parley-body', 'Hallo');
    $<HTMLButtonElement>(el, '#parley-form .primary').click();
    await waitUntil(() => $(el, '#parley-author-error'));
    expect(text($(el, '#parley-author-error'))).to.equal(de.nameInvalid.replace('{max}', '80'));
    expect(text($(el, '#parley-body-error'))).to.equal(de.bodyInvalid);
    expect(englishIn(el, 'de')).to.deep.equal([]);

    // A name the server would refuse for its length is not sent at all.
    const posts = () => calls.filter((c) => c.method === 'POST').length;
    const before = posts();
    type(el, '#parley-author', 'x'.repeat(81));
    $<HTMLButtonElement>(el, '#parley-form .primary').click();
    await el.updateComplete;
    expect(text($(el, '#parley-author-error'))).to.equal(de.nameInvalid.replace('{max}', '80'));
    expect(posts()).to.equal(before);
  });

  describe('plural forms for 0, 1, 2, 5 and 21', () => {
    /** What the stats line says for each count, as a native reader expects it. */
    const messages: Record<string, string[]> = {
      de: ['0 Beiträge', '1 Beitrag', '2 Beiträge', '5 Beiträge', '21 Beiträge'],
      fr: ['0 message', '1 message', '2 messages', '5 messages', '21 messages'],
      es: ['0 mensajes', '1 mensaje', '2 mensajes', '5 mensajes', '21 mensajes'],
      'pt-BR': ['0 mensagem', '1 mensagem', '2 mensagens', '5 mensagens', '21 mensagens'],
      ja: [
        '0 件のコメント',
        '1 件のコメント',
        '2 件のコメント',
        '5 件のコメント',
        '21 件のコメント',
      ],
      'zh-Hans': ['0 条消息', '1 条消息', '2 条消息', '5 条消息', '21 条消息'],
      ar: ['لا رسائل', 'رسالة واحدة', 'رسالتان', '{5} رسائل', '{21} رسالة'],
      he: ['0 הודעות', 'הודעה אחת', 'שתי הודעות', '5 הודעות', '21 הודעות'],
    };
    const earlier: Record<string, string[]> = {
      de: [
        '0 frühere Antworten',
        '1 frühere Antwort',
        '2 frühere Antworten',
        '5 frühere Antworten',
        '21 frühere Antworten',
      ],
      fr: [
        '0 réponse précédente',
        '1 réponse précédente',
        '2 réponses précédentes',
        '5 réponses précédentes',
        '21 réponses précédentes',
      ],
      es: [
        '0 respuestas anteriores',
        '1 respuesta anterior',
        '2 respuestas anteriores',
        '5 respuestas anteriores',
        '21 respuestas anteriores',
      ],
      'pt-BR': [
        '0 resposta anterior',
        '1 resposta anterior',
        '2 respostas anteriores',
        '5 respostas anteriores',
        '21 respostas anteriores',
      ],
      ja: [
        '以前の返信 0 件',
        '以前の返信 1 件',
        '以前の返信 2 件',
        '以前の返信 5 件',
        '以前の返信 21 件',
      ],
      'zh-Hans': [
        '0 条更早的回复',
        '1 条更早的回复',
        '2 条更早的回复',
        '5 条更早的回复',
        '21 条更早的回复',
      ],
      ar: ['لا ردود سابقة', 'رد سابق واحد', 'ردّان سابقان', '{5} ردود سابقة', '{21} ردًا سابقًا'],
      he: [
        '0 תגובות קודמות',
        'תגובה קודמת אחת',
        'שתי תגובות קודמות',
        '5 תגובות קודמות',
        '21 תגובות קודמות',
      ],
    };
    const COUNTS = [0, 1, 2, 5, 21];
    /** Digits as the locale writes them (Arabic-Indic or Latin, as the browser's data says). */
    const digits = (locale: string, s: string) =>
      s.replace(/\{(\d+)\}/, (_, n) => new Intl.NumberFormat(locale).format(Number(n)));

    for (const locale of LOCALES)
      it(`counts messages and earlier replies in ${locale}`, async () => {
        const t = CATALOGS[locale];
        let el: ParleyThread | undefined;
        for (const [i, n] of COUNTS.entries()) {
          const key = uniqueKey();
          serveThread(key, { messageCount: n, highlightCount: n });
          if (!el) el = await mountIn(locale, { thread: key });
          else {
            const loaded = oneEvent(el, 'parley-thread-loaded');
            el.thread = key;
            await loaded;
            await el.updateComplete;
          }
          expect(text($(el, '[part~=stats]'))).to.contain(digits(locale, messages[locale]![i]!));
          expect(text($(el, '[part~=stats]'))).to.contain(plural(locale, t.highlights, n));
          expect(plural(locale, t.earlierReplies, n)).to.equal(
            digits(locale, earlier[locale]![i]!),
          );
        }
      });
  });

  describe('right to left', () => {
    /** The box of the first nested list and of the reply it hangs under. */
    async function nesting(lang: string) {
      const key = uniqueKey();
      serveThread(key, {}, [opening, makeMessage(2), makeMessage(3, { parentId: 2 })]);
      const el = await mountIn(lang, { thread: key, 'back-href': '/' });
      const nested = $(el, 'li > ol');
      return {
        el,
        dir: $(el, '[part~=thread]').dir,
        list: nested.getBoundingClientRect(),
        parent: nested.parentElement!.getBoundingClientRect(),
        border: getComputedStyle(nested),
      };
    }

    for (const lang of ['ar', 'he'])
      it(`mirrors the thread in ${lang}: indents and reply lines on the right, back points right`, async () => {
        const { el, dir, list, parent, border } = await nesting(lang);
        expect(dir).to.equal('rtl');
        expect(list.left).to.equal(parent.left);
        expect(list.right).to.be.below(parent.right);
        expect(border.borderRightWidth).to.equal('2px');
        expect(border.borderLeftWidth).to.equal('0px');
        expect(text($(el, '[part~=back-link]')).startsWith('→')).to.equal(true);
        // The back link sits at the start of the line: the right.
        const back = $(el, '[part~=back-link]').getBoundingClientRect();
        expect(back.right).to.be.closeTo($(el, 'header').getBoundingClientRect().right, 1);
      });

    for (const lang of ['ar', 'he'])
      it(`lays the Markdown hint's link sample out as it is typed in ${lang}: [text](url), left to right`, async () => {
        const key = uniqueKey();
        serveThread(key, {}, [opening]);
        const el = await mountIn(lang, { thread: key });
        await waitUntil(() => el.shadowRoot!.querySelector('[id$="-hint"]'), 'the reply form');
        const hint = $(el, '[id$="-hint"]');
        const node = [...hint.childNodes].find(
          (n): n is Text => n instanceof Text && n.data.includes('['),
        )!;
        const x = (char: string) => {
          const at = node.data.lastIndexOf(char);
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + 1);
          return range.getBoundingClientRect().left;
        };
        // On screen, left to right: [ … ] ( … ), as a reader would type it.
        expect(x('[')).to.be.below(x(']'));
        expect(x(']')).to.be.below(x('('));
        expect(x('(')).to.be.below(x(')'));
      });

    it('lets what readers wrote take its own direction', async () => {
      const key = uniqueKey();
      serveThread(key, {}, [
        opening,
        makeMessage(2, { html: '<p>Hello, this reads left to right.</p>' }),
        makeMessage(3, { author: { name: 'שרה' }, html: '<p>שלום לכולם</p>' }),
      ]);
      const el = await mountIn('ar', { thread: key });
      expect($(el, '#parley-2 [part~=body]').matches(':dir(ltr)')).to.equal(true);
      expect($(el, '#parley-2 [part~=author]').matches(':dir(ltr)')).to.equal(true);
      expect($(el, '#parley-3 [part~=body]').matches(':dir(rtl)')).to.equal(true);
      el.locale = 'en';
      await el.updateComplete;
      expect($(el, '#parley-3 [part~=author]').matches(':dir(rtl)')).to.equal(true);
      expect($(el, '#parley-2 [part~=body]').matches(':dir(ltr)')).to.equal(true);
    });

    it('lays a left-to-right language out left to right, even in a right-to-left page', async () => {
      const page = document.createElement('div');
      page.dir = 'rtl';
      page.lang = 'de';
      const key = uniqueKey();
      serveThread(key, {}, [opening, makeMessage(2), makeMessage(3, { parentId: 2 })]);
      const el = await mount({ thread: key }, page);
      expect($(el, '[part~=thread]').dir).to.equal('ltr');
      const nested = $(el, 'li > ol');
      expect(nested.getBoundingClientRect().right).to.equal(
        nested.parentElement!.getBoundingClientRect().right,
      );
      expect(getComputedStyle(nested).borderLeftWidth).to.equal('2px');
    });
  });

  describe('which locale', () => {
    it('maps a page language to the shipped locale', () => {
      expect(match('de-AT')).to.equal('de');
      expect(match('pt')).to.equal('pt-BR');
      expect(match('pt-PT')).to.equal('pt-BR');
      expect(match('zh-TW')).to.equal('zh-Hans');
      expect(match('zh-Hant-HK')).to.equal('zh-Hans');
      expect(match('xx')).to.equal('en');
      expect(match('EN-gb')).to.equal('en');
    });

    it('takes the locale attribute over the closest lang', async () => {
      const key = uniqueKey();
      serveThread(key);
      const el = await mountIn('de', { thread: key, locale: 'fr' });
      expect(text($(el, '[part~=status]'))).to.equal(fr.open);
    });

    it('takes the closest lang, and formats in the page’s own tag (de-AT)', async () => {
      const key = uniqueKey();
      serveThread(key, { messageCount: 1234 });
      const el = await mountIn('de-AT', { thread: key });
      expect(text($(el, '[part~=status]'))).to.equal(de.open);
      // The text helper makes every space a plain one, the group separator included.
      const n = new Intl.NumberFormat('de-AT').format(1234).replace(/\s/g, ' ');
      expect(text($(el, '[part~=stats]'))).to.contain(`${n} Beiträge`);
    });

    it('takes the lang of a component whose shadow root holds it', async () => {
      const key = uniqueKey();
      serveThread(key);
      const outer = document.createElement('div');
      outer.lang = 'he';
      const inner = document.createElement('div');
      outer.append(inner);
      const shadow = inner.attachShadow({ mode: 'open' });
      const el = document.createElement('parley-thread');
      el.setAttribute('server', SERVER);
      el.setAttribute('thread', key);
      shadow.append(el);
      const loaded = oneEvent(el, 'parley-thread-loaded');
      await fixture(outer);
      await loaded;
      await el.updateComplete;
      expect(text($(el, '[part~=status]'))).to.equal(he.open);
      expect($(el, '[part~=thread]').dir).to.equal('rtl');
    });

    it('takes the browser’s language when the page says none, and English for one not shipped', async () => {
      const html = document.documentElement;
      const had = html.getAttribute('lang');
      html.removeAttribute('lang');
      const language = Object.getOwnPropertyDescriptor(navigator, 'language');
      try {
        Object.defineProperty(navigator, 'language', { value: 'es-MX', configurable: true });
        const key = uniqueKey();
        serveThread(key);
        const el = await mount({ thread: key });
        expect(text($(el, '[part~=status]'))).to.equal(es.open);

        Object.defineProperty(navigator, 'language', { value: 'zh-TW', configurable: true });
        const other = uniqueKey();
        serveThread(other);
        const zh = await mount({ thread: other });
        expect(text($(zh, '[part~=status]'))).to.equal(zhHans.open);

        const unknown = uniqueKey();
        serveThread(unknown);
        const xx = await mountIn('xx', { thread: unknown });
        expect(text($(xx, '[part~=status]'))).to.equal(en.open);
        expect($(xx, '[part~=thread]').dir).to.equal('ltr');
      } finally {
        if (language) Object.defineProperty(navigator, 'language', language);
        else delete (navigator as { language?: string }).language;
        if (had !== null) html.setAttribute('lang', had);
      }
    });

    it('renders again in a locale set at run time, direction included', async () => {
      const key = uniqueKey();
      serveThread(key);
      const el = await mountIn('en', { thread: key });
      expect(text($(el, '[part~=status]'))).to.equal(en.open);
      el.locale = 'ja';
      await el.updateComplete;
      expect(text($(el, '[part~=status]'))).to.equal(ja.open);
      expect(text($(el, '#parley-form h3'))).to.equal(ja.formTitle);
      el.setAttribute('locale', 'he');
      await el.updateComplete;
      expect(text($(el, '[part~=status]'))).to.equal(he.open);
      expect($(el, '[part~=thread]').dir).to.equal('rtl');
      expect(englishIn(el, 'he')).to.deep.equal([]);
    });
  });
});
