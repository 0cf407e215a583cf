/**
 * The locales Parley ships and how a page's language picks one. English is
 * built in; every other locale is a lazy chunk per bundle (the widget's and
 * the moderation page's), so a reader downloads their own language only.
 */

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
