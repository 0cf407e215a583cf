/**
 * localStorage, guarded: storage can be disabled, full, or throw on mere
 * access (sandboxed iframes, some private modes). A reader's name or edit
 * token is a convenience, so failures are silent.
 */

/** Storage key of the reader's remembered name. */
export const NAME_KEY = 'parley:name';
/** Storage key of edit tokens: `{ [serverBase]: { [messageId]: token } }`. */
export const TOKENS_KEY = 'parley:edit-tokens';

/** The JSON stored under `key`, or `fallback`. */
export function load<T>(key: string, fallback: T): T {
  try {
    return JSON.parse(localStorage.getItem(key) ?? '') ?? fallback;
  } catch {
    return fallback;
  }
}

/** Stores `value` as JSON under `key`. */
export function save(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {}
}

/**
 * Remembers the edit token of a message just posted, per server, so a later
 * edit/delete feature can use it. Tokens never leave this browser otherwise.
 */
export function saveEditToken(base: string, id: number, token: string): void {
  const all = load<Record<string, Record<string, string>>>(TOKENS_KEY, {});
  all[base] = { ...all[base], [id]: token };
  save(TOKENS_KEY, all);
}
