/**
 * The site owner's posting key in the reader's browser (part of the lazy
 * actions chunk): taken from a `#parley-owner=<key>` link made in /admin, kept
 * per server, and refused unless it is an owner key.
 */
import { load, OWNER_KEY, save, saveFor } from '../storage.js';

/**
 * Whether `value` is an owner-posting key (`pok_` and a random part), as /admin
 * issues them. Anything else in the owner's slot is refused, above all the
 * admin token: every script on the blog's origin can read its localStorage.
 */
const isOwnerKey = (value: unknown): value is string =>
  typeof value === 'string' && /^pok_[\w-]{16,200}$/.test(value);

/**
 * The owner key stored for the server at `base`. Whatever else is stored in
 * the owner's slot, for any server, is deleted: before owner keys, it held the
 * admin token.
 */
export function ownerKeyFor(base: string): string | undefined {
  const all = load<unknown>(OWNER_KEY, {});
  const stored = all && typeof all === 'object' ? Object.entries(all) : [];
  const keys = stored.filter(([, value]) => isOwnerKey(value));
  if (keys.length !== stored.length || (all && typeof all !== 'object'))
    save(OWNER_KEY, Object.fromEntries(keys));
  return Object.fromEntries(keys)[base];
}

/** Forgets the owner key stored for the server at `base`. */
export const forgetOwnerKey = (base: string) => saveFor(OWNER_KEY, base, undefined);

/**
 * Takes the site owner's posting key from a `#parley-owner=<key>` link, for
 * the server at `base`: `kept`, `refused`, or undefined when the address has
 * no such link. Why the fragment: browsers never send it to any server, nor
 * in a Referer. The key is kept for this server only (it is sent nowhere
 * else) and wiped from the address bar and this history entry at once, so it
 * is neither bookmarked nor shared by accident. Only an owner key is kept:
 * anything else (an admin token, in an old link) is wiped and refused.
 */
export function takeOwnerKeyFromHash(base: string): 'kept' | 'refused' | undefined {
  const raw = /^#parley-owner=(.+)$/.exec(location.hash)?.[1];
  if (!raw) return undefined;
  let token = raw;
  try {
    token = decodeURIComponent(raw);
  } catch {}
  const ok = isOwnerKey(token);
  if (ok) saveFor(OWNER_KEY, base, token);
  history.replaceState(history.state, '', location.pathname + location.search);
  return ok ? 'kept' : 'refused';
}
