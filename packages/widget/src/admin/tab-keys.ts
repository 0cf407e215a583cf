/**
 * The keyboard of a tab list (the WAI-ARIA tabs pattern, automatic
 * activation): the arrow keys move to the next or previous tab, wrapping
 * around; Home and End to the first and last. Right to left, the tabs run
 * from the right, so the left arrow moves to the next one.
 */

/**
 * The tab `key` moves to from `current`, or undefined when the key does not
 * move; `rtl` (default false): the tabs are laid out right to left.
 */
export function tabForKey<T>(
  tabs: readonly T[],
  current: T,
  key: string,
  rtl = false,
): T | undefined {
  const at = tabs.indexOf(current);
  const next = rtl ? 'ArrowLeft' : 'ArrowRight';
  const previous = rtl ? 'ArrowRight' : 'ArrowLeft';
  if (key === next) return tabs[(at + 1) % tabs.length];
  if (key === previous) return tabs[(at + tabs.length - 1) % tabs.length];
  if (key === 'Home') return tabs[0];
  if (key === 'End') return tabs[tabs.length - 1];
  return undefined;
}
