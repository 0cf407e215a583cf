/**
 * localStorage, guarded: storage can be disabled, full, or throw on mere
 * access (sandboxed iframes, some private modes). A reader's name, address
 * for reply mail, edit tokens, reports and the owner key are conveniences, so
 * failures are silent.
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
/**
 * Storage key of the reader's address for reply mail and the key the server
 * gave this device for it: `{ [serverBase]: { email, mailKey? } }` (an
 * address alone, as kept before keys, is read too). Kept only after a post
 * that asked for reply mail; the key is forgotten when the reader changes
 * the address, both when they empty the field. A convenience of this
 * device: never sent unless the reader ticks "Mail me replies" again.
 */
export const EMAIL_KEY = 'parley:email';
/** Storage key of the messages this browser reported: `{ [serverBase]: messageId[] }`. */
export const REPORTED_KEY = 'parley:reported';

/**
 * Storage key of unsent drafts: `{ [serverBase]: { [threadKey]: { [slot]: text } } }`,
 * where the slot is `0` for the thread's main form, else the id of the message
 * the draft answers.
 */
const DRAFTS_KEY = 'parley:drafts';
/** Threads per server whose drafts are kept; past it, the longest untouched go. */
const MAX_DRAFT_THREADS = 20;

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
 * `value` when it is a plain object (JSON's `{...}`), else a new `{}`: what
 * another script, an older version or a hand edit left under a key (`5`,
 * `null`, an array) must neither throw on assignment nor swallow what is
 * stored into it (an array's named properties are lost by `JSON.stringify`).
 */
const record = <T>(value: unknown): Record<string, T> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, T>) : {};

/** What `key` holds for the server at `base`, or `undefined`. */
export const loadFor = <T>(key: string, base: string): T | undefined =>
  record<T>(load<unknown>(key, {}))[base];

/** Stores (or with `undefined`, forgets) what `key` holds for the server at `base`. */
export function saveFor(key: string, base: string, value: unknown): void {
  const all = record<unknown>(load<unknown>(key, {}));
  if (value === undefined) delete all[base];
  else all[base] = value;
  save(key, all);
}

/**
 * Remembers the edit token of a message just posted, per server, so its
 * author can edit or delete it later. Tokens never leave this browser otherwise.
 */
export function saveEditToken(base: string, id: number, token: string): void {
  saveFor(TOKENS_KEY, base, { ...record(loadFor(TOKENS_KEY, base)), [id]: token });
}

/** Forgets the edit token of a message (deleted, or its token refused). */
export function forgetEditToken(base: string, id: number): void {
  const tokens = { ...loadFor<Record<string, string>>(TOKENS_KEY, base) };
  delete tokens[id];
  saveFor(TOKENS_KEY, base, tokens);
}

type Drafts = Record<string, Record<string, string>>;

/** The drafts kept for the server at `base`, whatever the stored value looks like. */
const draftsFor = (base: string): Drafts => record(loadFor<unknown>(DRAFTS_KEY, base));

/** The draft kept for `slot` (0: the main form, else the message answered) of thread `key`, or ''. */
export function loadDraft(base: string, key: string, slot: number): string {
  const text = draftsFor(base)[key]?.[slot];
  return typeof text === 'string' ? text : '';
}

/** The slots of thread `key` that hold a draft (0: the main form, else the messages answered). */
export const draftSlots = (base: string, key: string): number[] =>
  Object.entries(record<unknown>(draftsFor(base)[key]))
    .filter(([, text]) => typeof text === 'string')
    .map(([slot]) => Number(slot));

/**
 * Keeps `text` as the draft of `slot` in thread `key` (empty or blank text
 * forgets it). The thread moves to the end of the list, so the drafts of the
 * threads touched longest ago are the ones dropped past {@link MAX_DRAFT_THREADS}.
 */
export function saveDraft(base: string, key: string, slot: number, text: string): void {
  const drafts = draftsFor(base);
  const thread = { ...record<string>(drafts[key]) };
  delete drafts[key];
  if (text.trim()) thread[slot] = text;
  else delete thread[slot];
  if (Object.keys(thread).length) drafts[key] = thread;
  const keys = Object.keys(drafts);
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_DRAFT_THREADS))) delete drafts[old];
  saveFor(DRAFTS_KEY, base, Object.keys(drafts).length ? drafts : undefined);
}
