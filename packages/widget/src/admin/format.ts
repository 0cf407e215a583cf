/** Small formatting helpers the moderation page's parts share. */

const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

/** An ISO time as a moderator reads it; the input itself when it is not a time. */
export const when = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
};

/** Only http(s) URLs become links: a thread's url is user input and could be `javascript:`. */
export const httpUrl = (value: string | null | undefined): URL | null => {
  try {
    const url = new URL(value ?? '');
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
};
