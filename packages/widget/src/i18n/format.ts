/**
 * Locale-aware formatting with `Intl`: plurals, numbers and relative times
 * (a tooltip's exact time is `thread/exact-time.ts`'s, in a lazy chunk).
 * Formatters are cached per locale because a thread re-renders every
 * timestamp on each clock tick.
 */
import type { Plural } from './en.js';

const cache = new Map<string, unknown>();
const memo = <T>(key: string, make: () => T): T => {
  let v = cache.get(key) as T | undefined;
  if (!v) {
    v = make();
    cache.set(key, v);
  }
  return v;
};

/** Fills `{name}` placeholders in a catalog string. */
export const fill = (s: string, values: Record<string, string | number>) =>
  s.replace(/\{(\w+)\}/g, (_, k: string) => `${values[k]}`);

/** Formats a number in `locale` (`10000` → `10,000`). */
export const num = (locale: string, n: number) =>
  memo(`n${locale}`, () => new Intl.NumberFormat(locale)).format(n);

/**
 * Picks the plural form for `n` and fills in the formatted number as `{n}`,
 * and any other placeholders from `values` (default none; a `values.n`
 * replaces the number, as the moderation page's "100+" does).
 */
export const plural = (
  locale: string,
  forms: Plural,
  n: number,
  values?: Record<string, string | number>,
) =>
  fill(forms[memo(`p${locale}`, () => new Intl.PluralRules(locale)).select(n)] ?? forms.other, {
    n: num(locale, n),
    ...values,
  });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536e6],
  ['month', 2_592e6],
  ['week', 6_048e5],
  ['day', 864e5],
  ['hour', 36e5],
  ['minute', 6e4],
];

/**
 * `iso` relative to `now` (`1h ago` when `style` is narrow, `1 hour ago` when
 * long). Future times, from clock skew between server and reader, read "now".
 */
export function relative(
  locale: string,
  iso: string,
  now: number,
  style: Intl.RelativeTimeFormatStyle,
) {
  const f = memo(
    `r${style}${locale}`,
    () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style }),
  );
  const diff = Math.min(Date.parse(iso) - now, 0) || 0;
  for (const [unit, ms] of UNITS) if (-diff >= ms) return f.format(Math.trunc(diff / ms), unit);
  return f.format(0, 'second');
}

/** `locale` if `Intl` accepts it, else `en` (a page's `lang` can be anything). */
export function safeLocale(locale: string | null | undefined): string {
  try {
    return Intl.getCanonicalLocales(locale || 'en')[0] ?? 'en';
  } catch {
    return 'en';
  }
}
