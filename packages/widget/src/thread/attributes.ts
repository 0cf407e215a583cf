/**
 * The attribute converters of `<parley-thread>`: each turns an attribute's
 * text into its property's value, and a value it does not accept into the
 * default, with one console warning per kind (integrator mistakes never throw).
 */
import type { SortOrder } from '@parley/server/wire';

/** Colour scheme: `auto` follows the page's `color-scheme` (light when the page sets none). */
export type Theme = 'auto' | 'light' | 'dark';
/** Live updates: `on` (default) or `off`. */
export type Live = 'on' | 'off';

const warned = new Set<string>();
/**
 * Integrator mistakes get one console warning per kind and element (`tag`,
 * default `parley-thread`), never an exception.
 */
export function warnOnce(kind: string, message: string, tag = 'parley-thread') {
  if (warned.has(tag + kind)) return;
  warned.add(tag + kind);
  console.warn(`<${tag}>: ${message}`);
}

/**
 * A converter to one of `values` for the element `tag` (default
 * `parley-thread`); anything else is the first of them, with one warning.
 */
export const oneOf =
  <T extends string>(name: string, values: readonly T[], tag?: string) =>
  (v: string | null): T => {
    if (values.includes(v as T)) return v as T;
    if (v !== null)
      warnOnce(name, `${name}="${v}" is not one of ${values.join(', ')}; using ${values[0]}.`, tag);
    return values[0]!;
  };

export const toTheme = oneOf<Theme>('theme', ['auto', 'light', 'dark']);
export const toSort = oneOf<SortOrder>('sort', ['oldest', 'newest']);
export const toLive = oneOf<Live>('live', ['on', 'off']);

/** Replies per page: a whole number from 1 to 100, else 20. */
export const toPageSize = (v: unknown): number => {
  const n = Math.round(Number(v));
  if (v != null && v !== '' && Number.isFinite(n)) return Math.min(100, Math.max(1, n));
  if (v != null) warnOnce('page-size', `page-size="${v}" is not a number; using 20.`);
  return 20;
};
