/**
 * A time's exact date and time, as its tooltip, in the lazy `long-thread.ts`
 * chunk (which loads right after the thread is first on screen): no reader
 * points at a time before then, and its `Intl.DateTimeFormat` is no byte of
 * `/widget.js`.
 */

/** One formatter per locale: a thread's times are pointed at again and again. */
const formats = new Map<string, Intl.DateTimeFormat>();

/** The exact date and time of `iso` in `locale`, for a tooltip (`June 1, 2025 at 9:30 AM`). */
function exact(locale: string, iso: string) {
  let f = formats.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' });
    formats.set(locale, f);
  }
  return f.format(Date.parse(iso) || 0);
}

/**
 * Fills the `title` of the time an event reached with its exact date and
 * time, as the pointer or focus reaches it. Not at render: the first
 * Intl.DateTimeFormat of a page loads ICU's date data, a long task of its own
 * (30-50 ms measured) that no reader should pay before the thread is on
 * screen. Written on every visit, since Lit may reuse an element for another
 * message.
 */
export function exactTitle(locale: string, e: Event) {
  const el = e.target as Element;
  const time = el.closest?.('time') ?? el.querySelector?.('time');
  if (time) time.title = exact(locale, time.dateTime);
}
