/**
 * The keyboard of a tab list (the WAI-ARIA tabs pattern, automatic
 * activation): the arrow keys move to the next or previous tab, wrapping
 * around; Home and End to the first and last.
 */

/** The tab `key` moves to from `current`, or undefined when the key does not move. */
export function tabForKey<T>(tabs: readonly T[], current: T, key: string): T | undefined {
  const at = tabs.indexOf(current);
  if (key === 'ArrowRight') return tabs[(at + 1) % tabs.length];
  if (key === 'ArrowLeft') return tabs[(at + tabs.length - 1) % tabs.length];
  if (key === 'Home') return tabs[0];
  if (key === 'End') return tabs[tabs.length - 1];
  return undefined;
}
