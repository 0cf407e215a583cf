/**
 * The locales Parley ships and how a page's language picks one. English is
 * built in; every other locale is a lazy chunk per bundle (the widget's and
 * the moderation page's), so a reader downloads their own language only.
 */

import { safeLocale } from './format.js';

/** Shipped locales besides English, as BCP 47 tags. */
export const LOCALES = ['de', 'fr', 'es', 'pt-BR', 'ja', 'zh-Hans', 'ar', 'he'] as const;
export type Locale = (typeof LOCALES)[number] | 'en';

/**
 * The shipped locale for a (canonical) BCP 47 tag: its language decides
 * (`de-AT` reads German, `pt-PT` and `pt` Brazilian Portuguese, any `zh`
 * Simplified Chinese), and a language Parley does not ship reads English.
 */
export function match(tag: string): Locale {
  const language = tag.split('-')[0]!.toLowerCase();
  return LOCALES.find((l) => l.split('-')[0] === language) ?? 'en';
}

/** Whether a shipped locale is written right to left. */
export const isRtl = (locale: Locale) => locale === 'ar' || locale === 'he';

/**
 * The tag numbers, plurals and times are formatted in, for a page's
 * (canonical) `tag` read in `locale`, its {@link match}: the page's own tag
 * when it is of that language (`de-AT` counts and dates as Austrians do),
 * else the shipped locale itself, so a language Parley does not ship reads
 * English throughout, not English words around Korean numbers. Chinese is
 * always formatted Simplified: a `zh-TW` page reads the Simplified words.
 */
const formatTag = (tag: string, locale: Locale) =>
  locale === 'zh-Hans' || (locale === 'en' && !/^en\b/i.test(tag)) ? locale : tag;

/**
 * The language of the page around `el`: the closest `lang` attribute, also
 * across shadow roots (an element inside another component's shadow root
 * takes that component's language), else null. `lang=""` says the language
 * is unknown, so it also gives null.
 */
function pageLang(el: Element): string | null {
  for (let at: Element | undefined = el; at; at = (at.getRootNode() as ShadowRoot).host) {
    const lang = at.closest('[lang]');
    if (lang) return lang.getAttribute('lang') || null;
  }
  return null;
}

/**
 * How the element `el` reads, for its `locale` attribute `attr`: that tag,
 * else the page's language around it ({@link pageLang}, across shadow roots),
 * else the browser's; an invalid tag reads English. `locale` is the shipped
 * locale whose words show ({@link match}), `tag` the one numbers, plurals and
 * times are formatted in ({@link formatTag}: never English words around
 * another language's plurals), `dir` its writing direction, as
 * `[locale, tag, dir]`. One function for
 * every element, so the thread, the index elements and the moderation page
 * cannot pick their language differently.
 */
export function resolveLocale(el: Element, attr: string | undefined) {
  const tag = safeLocale(attr || pageLang(el) || navigator.language);
  const locale = match(tag);
  // A tuple, not an object: its property names would be the eager bundle's bytes.
  return [locale, formatTag(tag, locale), isRtl(locale) ? 'rtl' : 'ltr'] as const;
}
