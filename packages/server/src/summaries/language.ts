/**
 * A thread's language, found from its text alone (offline, deterministic):
 * the summarizer splits sentences and words by it, and the thread page may
 * use it for `lang`.
 */

/**
 * Function words per Latin-script language the detector knows: the words
 * that say which language a text is in, and that say nothing about what it
 * is about (so the summarizer leaves them out when it compares sentences).
 */
const STOP_WORDS: Record<LatinLanguage, readonly string[]> = {
  en: `a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each few for from further get got had hadn't has hasn't have
    haven't having he her here hers herself him himself his how i i'm i've if in into is isn't it
    it's its itself just let's me more most much my myself no nor not now of off on once only or
    other our ours ourselves out over own really same she should shouldn't so some such than that
    that's the their theirs them themselves then there there's these they they're this those
    through to too under until up us very was wasn't we we're we've were weren't what what's when
    where which while who whom why will with won't would wouldn't you you're you've your yours
    yourself yourselves`.split(/\s+/),
  de: `aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei bin
    bis bist da damit dann das dass dem den denn der des dich die dies diese diesem diesen dieser
    dieses dir doch dort du durch ein eine einem einen einer eines er es etwas euch euer für gegen
    gewesen hab habe haben hat hatte hätte ich ihm ihn ihnen ihr ihre im in indem ins ist jede
    jedem jeden jeder jetzt kann kein keine können könnte man manche mein meine mich mir mit muss
    musste nach nicht nichts noch nun nur ob oder ohne schon sehr sein seine sich sie sind so
    solche soll sollte sondern über um und uns unser unter viel vom von vor war waren warum was
    weil weiter welche wenn wer werde werden wie wieder will wir wird wo wollen würde zu zum zur
    zwar zwischen`.split(/\s+/),
  fr: `a à ai aie alors au aucun aussi autre aux avec avoir avons bon c ça car ce cela ces cet
    cette chaque ci comme comment d dans de des donc du elle elles en encore est et été être eu
    fait faire il ils j je juste l la le les leur leurs lui m ma mais me même mes moi mon n ne ni
    nos notre nous on ont ou où par pas peu peut plus pour pourquoi qu quand que quel quelle qui
    s sa sans se ses si son sont sous sur ta te tes toi ton tous tout très tu un une vos votre
    vous y`.split(/\s+/),
  es: `a al algo algunos ante antes como con contra cual cuando de del desde donde dos el ella
    ellas ellos en entre era eres es esa ese eso esta está están este esto estos fue ha hay la las
    le les lo los más me mi muy nada ni no nos nosotros o os otra otro para pero poco por porque
    que qué se ser si sí sin sobre son su sus también tan te tener tengo tiene todo todos tu tú
    un una uno unos y ya yo`.split(/\s+/),
  pt: `a ao aos aquela aquele as à às até com como da das de dela dele depois do dos e é ela ele
    eles em entre era essa esse esta está estão este eu foi há isso isto já lhe mais mas me
    mesmo meu minha muito na nas não nem no nos nós o os ou para pela pelo por porque quando que
    se sem ser seu seus só sua suas também te tem têm tu um uma você vocês`.split(/\s+/),
};

type LatinLanguage = 'en' | 'de' | 'fr' | 'es' | 'pt';

/** In this order: a tie goes to the earlier one. */
const LATIN_LANGUAGES: readonly LatinLanguage[] = ['en', 'de', 'fr', 'es', 'pt'];

const STOP_SETS: Record<LatinLanguage, ReadonlySet<string>> = {
  en: new Set(STOP_WORDS.en),
  de: new Set(STOP_WORDS.de),
  fr: new Set(STOP_WORDS.fr),
  es: new Set(STOP_WORDS.es),
  pt: new Set(STOP_WORDS.pt),
};

/**
 * Japanese and Chinese function words as `Intl.Segmenter` cuts them (the
 * particles, copulas and pronouns every sentence has).
 */
const CJK_STOP_WORDS = new Set(
  `これ それ あれ この その あの ここ そこ こと もの よう ため です ます でした ました ません
  する した して います いる ある あり なる なり できる ない から まで より けど けれど ので のに
  でも また そして しかし 私 僕 自分 さん 的 了 是 在 我 你 他 她 它 们 我们 你们 他们 也 就 都
  和 与 有 不 没有 这 那 这个 那个 吗 呢 吧 啊 个 很 还 要 会 能 可以 就是 但是 因为 所以 如果
  一个 什么 怎么 已经 对 把 被 让 给 从 到 说`.split(/\s+/),
);

const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const HANGUL = /\p{Script=Hangul}/gu;
const HAN = /\p{Script=Han}/gu;
const LATIN = /\p{Script=Latin}/gu;

/** How much of a text {@link detectLanguage} reads, in UTF-16 units. */
const DETECTION_SAMPLE = 20_000;

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

/**
 * The language of `text` as a BCP 47 tag: `ja`, `ko`, `zh`, `en`, `de`,
 * `fr`, `es` or `pt`; `en` when nothing tells.
 *
 * By script first: kana means Japanese (Japanese text mixes Han with kana;
 * Chinese has none), Hangul Korean, Han without kana Chinese. A CJK
 * character carries about a word, a Latin one a fifth of one, so CJK wins
 * once its characters are a quarter of the Latin letters (an English
 * thread quoting a Chinese name stays English). Latin-script text goes to
 * the language whose function words it uses most. Reads the first 20,000
 * characters.
 */
export function detectLanguage(fullText: string): string {
  // The start of a text tells its language as well as all of it, and a huge thread costs no more.
  const text = fullText.slice(0, DETECTION_SAMPLE);
  const kana = count(text, KANA);
  const hangul = count(text, HANGUL);
  const han = count(text, HAN);
  const latin = count(text, LATIN);
  const cjk = kana + hangul + han;
  if (cjk > 0 && cjk * 4 >= latin) {
    if (hangul > kana + han) return 'ko';
    // A few kana in a Chinese text (a quoted brand name) do not make it Japanese.
    if (kana * 10 >= kana + han) return 'ja';
    return 'zh';
  }
  const hits: Record<LatinLanguage, number> = { en: 0, de: 0, fr: 0, es: 0, pt: 0 };
  for (const word of latinWords(text)) {
    for (const language of LATIN_LANGUAGES) if (STOP_SETS[language].has(word)) hits[language]++;
  }
  let best: LatinLanguage = 'en';
  for (const language of LATIN_LANGUAGES) if (hits[language] > hits[best]) best = language;
  return best;
}

/** Lower-cased words of Latin-script text, apostrophes kept ("don't"). */
function latinWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}'’]+/gu) ?? [];
}

/**
 * Whether `word` (lower-cased) is a function word for a text in `language`.
 * English ones count in every Latin-script thread: technical threads in any
 * language quote English.
 */
export function isStopWord(word: string, language: string): boolean {
  const normalized = word.replace(/’/g, "'");
  if (STOP_SETS.en.has(normalized)) return true;
  if (language in STOP_SETS && STOP_SETS[language as LatinLanguage].has(normalized)) return true;
  return CJK_STOP_WORDS.has(normalized);
}
