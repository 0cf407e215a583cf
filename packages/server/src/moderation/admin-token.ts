/**
 * Whether an admin token is too easy to guess. The token is the only key to
 * /admin and to posting as the owner, and anyone on the internet may try it
 * (10 tries per client per 10 minutes, from as many clients as they have):
 * length alone does not keep out `aaaaaaaaaaaaaaaa`, `abcabcabcabcabca`
 * or `passwordpassword`.
 *
 * Beyond the two plain patterns (checked here, so their message is exact),
 * the judge is zxcvbn-ts (`@zxcvbn-ts/core`, maintained, with its common
 * passwords and English dictionaries): it finds dictionary words, common
 * passwords, keyboard walks, sequences, dates and l33t spellings, alone or
 * glued together, and estimates the guesses they need. A token must need at
 * least 10^10 of them (its score 4, "very unguessable"); any random token
 * (`openssl rand -base64 24`) needs far more. The library and its
 * dictionaries (a few MB) load only here, once at start, on the server.
 */

/** Words of this product that a token built from them should not get credit for. */
const SITE_WORDS = ['parley', 'admin', 'token', 'secret', 'comments', 'moderator', 'owner'];

/** The score zxcvbn must give: 4 of 0..4, at least 10^10 guesses. */
const MIN_SCORE = 4;

/**
 * Why `token` is too weak, in words that never repeat it, or undefined when
 * it is strong enough. Length is checked by the config; this is the rest.
 */
export async function adminTokenWeakness(token: string): Promise<string | undefined> {
  if (/^(.)\1*$/su.test(token)) return 'is one character repeated';
  if (/^(.{2,8}?)\1+.{0,7}$/su.test(token)) return 'repeats a short pattern';
  const [{ ZxcvbnFactory }, common, en] = await Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]);
  const zxcvbn = new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  const result = zxcvbn.check(token, SITE_WORDS);
  if (result.score >= MIN_SCORE) return undefined;
  // The library's warnings are fixed sentences ("This is a very common
  // password."), never the token or a part of it.
  const warning = result.feedback.warning?.replace(/\.$/, '');
  const why = warning ? `; ${warning.charAt(0).toLowerCase()}${warning.slice(1)}` : '';
  return `is too easy to guess: it is made of dictionary words, common passwords or patterns${why}`;
}
