/**
 * localStorage, guarded: storage can be disabled, full, or throw on mere
 * access (sandboxed iframes, some private modes). A reader's name, edit
 * tokens, reports and the owner key are conveniences, so failures are silent.
 *
 * Everything but the name is kept per server base URL (`{ [serverBase]: ... }`),
 * so a token is only ever sent back to the server that issued it.
 */

/** Storage key of the reader's remembered name. */
export const NAME_KEY = 'parley:name';
/** Storage key of edit tokens: `{ [serverBase]: { [messageId]: token } }`. */
export const TOKENS_KEY = 'parley:edit-tokens';
/** Storage key of the site owner's posting key (`pok_…`, never the admin token): `{ [serverBase]: key }`. */
export const OWNER_KEY = 'parley:owner';
/** Storage key of the messages this browser reported: `{ [serverBase]: messageId[] }`. */
export const REPORTED_KEY = 'parley:reported';

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

/** What `key` holds for the server at `base`, or `undefined`. */
export const loadFor = <T>(key: string, base: string): T | undefined =>
  load<Record<string, T>>(key, {})[base];

/** Stores (or with `undefined`, forgets) what `key` holds for the server at `base`. */
export function saveFor(key: string, base: string, value: unknown): void {
  const all = load<Record<string, unknown>>(key, {});
  if (value === undefined) delete all[base];
  else all[base] = value;
  save(key, all);
}

/**
 * Remembers the edit token of a message just posted, per server, so its
 * author can edit or delete it later. Tokens never leave this browser otherwise.
 */
export function saveEditToken(base: string, id: number, token: string): void {
  saveFor(TOKENS_KEY, base, { ...loadFor<object>(TOKENS_KEY, base), [id]: token });
}

/** Forgets the edit token of a message (deleted, or its token refused). */
export function forgetEditToken(base: string, id: number): void {
  const tokens = { ...loadFor<Record<string, string>>(TOKENS_KEY, base) };
  delete tokens[id];
  saveFor(TOKENS_KEY, base, tokens);
}
