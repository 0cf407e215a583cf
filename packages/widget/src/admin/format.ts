/** Small formatting helpers the moderation page's parts share. */
import { locale } from './admin-strings.js';

const formats = new Map<string, Intl.DateTimeFormat>();

/** An ISO time as a moderator reads it, in the page's locale; the input itself when it is not a time. */
export const when = (iso: string) => {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let format = formats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    formats.set(locale, format);
  }
  return format.format(date);
};

/** Only http(s) URLs become links (one check with the cards'). */
export { httpUrl } from '../listing/http-url.js';
