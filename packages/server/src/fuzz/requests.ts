/**
 * Generated requests for every route of the app: what a hostile or careless
 * client can send, as fast-check arbitraries. A request is a description, not
 * a `Request`: ids, edit tokens, cursors and ETags differ between databases
 * (PostgreSQL spends a serial value on a rolled-back insert, SQLite does not),
 * so a request names the rows it means by their place in the run's model
 * ({@link Known}) and each dialect fills in its own (see `fuzz-run.ts`).
 * Weights lean on real rows and well-formed input, so requests get past
 * validation and reach the database, not only 400s and 404s.
 */
import fc from 'fast-check';
import { ADMIN, ADMIN_TOKEN, BLOG_ORIGIN } from '../testing/app-fixture.ts';

/** Which of the run's real rows (or values the server handed out) a {@link Known} names. */
export type KnownKind = 'key' | 'message' | 'cursor' | 'ownerKey' | 'etag';

/**
 * The `index`-th (modulo how many there are) of the rows of this kind the run
 * has seen, resolved per dialect: in a path or query its id, key or cursor;
 * in a JSON body its id; as `Authorization` the message's edit token or the
 * owner key's token.
 */
export class Known {
  constructor(
    readonly kind: KnownKind,
    readonly index: number,
  ) {}

  toString(): string {
    return `known(${this.kind}#${this.index})`;
  }

  [fc.toStringMethod](): string {
    return this.toString();
  }
}

/** A cursor made by hand: `parts` JSON-encoded and base64url-ed, as the server's own are. */
export class Forged {
  constructor(readonly parts: unknown) {}

  toString(): string {
    return `forged(${fc.stringify(this.parts)})`;
  }

  [fc.toStringMethod](): string {
    return this.toString();
  }
}

/** A path segment or query value: literal text (already escaped as it is sent) or a row. */
export type Slot = string | Known | Forged;

/** A request body: JSON (which may hold {@link Known} ids), raw text, or one past a size. */
export type FuzzBody = { json: unknown } | { raw: string } | { bytes: number };

/** One generated request. */
export interface FuzzRequest {
  method: string;
  /** Path segments after the leading `/`, joined with `/`. */
  path: Slot[];
  query: [string, Slot][];
  headers: Record<string, Slot>;
  body?: FuzzBody;
  /** Milliseconds the app's clock moves before it is sent. */
  wait: number;
  /** The client address the app sees. */
  peer: string;
}

/** The listings' cursor scopes, as `http/cursor.ts` callers name them. */
const SCOPES = [
  'messages:oldest',
  'messages:newest',
  'messages-highlighted:oldest',
  'messages-highlighted:newest',
  'threads:active',
  'threads:recent',
  'admin-messages:all',
  'admin-messages:pending',
  'admin-messages:published',
  'admin-messages:hidden',
  'admin-messages:spam',
  'admin-messages:reported',
  'admin-threads',
  'admin-deliveries:all',
  'admin-deliveries:pending',
  'admin-deliveries:delivered',
  'admin-deliveries:failed',
];

/** Characters that break things: NUL and other controls, bidi, surrogates, separators, escapes. */
const NASTY_CHARS = [
  '\0',
  '\x01',
  '\x7f',
  '\t',
  '\n',
  '\r',
  '\u0085',
  '\u2028',
  '\u202e',
  '\u200f',
  '\u2066',
  '\u061c',
  '\ufeff',
  '\uffff',
  '\ud800',
  '\udfff',
  '\u{10ffff}',
  '😀',
  'e\u0301',
  'ë',
  'İ',
  'ß',
  ' ',
  '/',
  '\\',
  '%',
  '?',
  '#',
  '&',
  '=',
  '+',
  '"',
  "'",
  '<',
  '>',
  '!',
  '_',
  'a',
  'Z',
  '0',
];

/** One odd character; NUL often, since PostgreSQL alone cannot store it in text. */
const nastyChar = fc.oneof(
  { weight: 1, arbitrary: fc.constant('\0') },
  { weight: 5, arbitrary: fc.constantFrom(...NASTY_CHARS) },
);

const nastyText = fc.string({ unit: nastyChar, maxLength: 12 });

/** Text of every class: nasty, any code point, graphemes, lone surrogates, whitespace. */
const anyText = fc.oneof(
  nastyText,
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom('', ' ', '\t\n ', '\ud800', 'a\udc00b', '\u202eevil', 'null', '__proto__'),
);

/**
 * Text near a length limit: `n` repetitions of a one-unit or a two-unit
 * character (lengths are counted in code points, JavaScript counts units).
 */
const longText = fc
  .tuple(
    fc.constantFrom(80, 81, 200, 201, 500, 501, 512, 513, 1000, 1001, 2049, 10_000, 10_001),
    fc.constantFrom('a', '😀', 'é'),
  )
  .map(([n, c]) => c.repeat(n));

/** Any JSON value but a plausible one: the wrong type for a field. */
const wrongType = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1e308, [], {}, ['a'], { a: 1 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A text field: mostly a plausible value from `usual`, else one with odd characters in it, or anything. */
function textField(usual: fc.Arbitrary<string>) {
  return fc.oneof(
    { weight: 6, arbitrary: usual },
    { weight: 3, arbitrary: fc.tuple(usual, nastyText).map(([text, odd]) => text + odd) },
    { weight: 2, arbitrary: anyText },
    { weight: 1, arbitrary: longText },
    { weight: 1, arbitrary: wrongType },
  );
}

/** An optional field (absent is `undefined`, which JSON.stringify leaves out). */
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });

const word = fc.stringMatching(/^[A-Za-z][a-z]{0,8}$/);
const sentence = fc
  .array(fc.oneof(word, fc.constantFrom('**bold**', '[link](https://x.example)', '`x`', '> q')), {
    minLength: 1,
    maxLength: 6,
  })
  .map((words) => words.join(' '));

const knownKey = fc.nat({ max: 20 }).map((i) => new Known('key', i));
const knownMessage = fc.nat({ max: 40 }).map((i) => new Known('message', i));
const knownOwnerKey = fc.nat({ max: 3 }).map((i) => new Known('ownerKey', i));

/** Integers around every boundary an id crosses: 0, 2^31 (int4), 2^53, 2^63, 2^64. */
const boundaryNumbers = fc.constantFrom(
  0,
  -0,
  -1,
  1.5,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  2 ** 63,
  2 ** 64,
  -(2 ** 31),
  -(2 ** 63),
  1e308,
  -1e308,
  Number.MIN_VALUE,
);

/** A message id in a JSON body: a real one, a boundary, an unused one, or the wrong type. */
const idValue = fc.oneof(
  { weight: 6, arbitrary: knownMessage },
  { weight: 2, arbitrary: boundaryNumbers },
  { weight: 1, arbitrary: fc.integer({ min: 1_000_000, max: 2 ** 31 - 1 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom('1', '', null, true, [1], { id: 1 }) },
);

/** A decimal rendering of integers near the boundaries, as a path or query carries them. */
const idText = fc.oneof(
  fc.constantFrom(
    '0',
    '-1',
    '1.5',
    '1e3',
    '%201',
    '01',
    '2147483647',
    '2147483648',
    '4294967296',
    '9007199254740993',
    '9223372036854775807',
    '9223372036854775808',
    '18446744073709551616',
    'abc',
    '',
    '%31',
    '1%00',
    'NaN',
    'Infinity',
    '0x10',
  ),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.bigInt({ min: 2n ** 31n, max: 2n ** 53n }).map(String),
  fc.integer({ min: 1_000_000, max: 2 ** 31 - 1 }).map(String),
);

/** A message id in a path: mostly a real one. */
const idSegment = fc.oneof(
  { weight: 6, arbitrary: knownMessage },
  { weight: 3, arbitrary: idText },
);

/** Escapes a decoder may choke on: lone `%`, bad hex, overlong and surrogate UTF-8, NUL. */
const rawEscapes = fc.oneof(
  fc.constantFrom(
    '%',
    '%zz',
    '%ED%A0%80',
    '%ED%BF%BF',
    '%C0%AF',
    '%FF',
    '%F0%9F%98',
    '%00',
    '%2F',
    '%252F',
    '%E2%80%AE',
    '..',
    '.',
    '',
    'a%2Fb',
    '%2Fblog%2Fpost-1',
  ),
  fc.string({
    unit: fc.constantFrom('%', '2', 'F', 'E', 'D', '0', 'a', '/', '.', '~'),
    maxLength: 9,
  }),
);

/**
 * `encodeURIComponent` of text, lone surrogates made U+FFFD first (it throws
 * on them): those travel as raw escapes instead, see {@link rawEscapes}.
 */
export function encode(text: string): string {
  return encodeURIComponent(text.replace(/\p{Cs}/gu, '\ufffd'));
}

/** A thread key in a path: a real key, a key of every character class, or raw escapes. */
const keySegment = fc.oneof(
  { weight: 6, arbitrary: knownKey },
  { weight: 3, arbitrary: fc.oneof(anyText, longText).map(encode) },
  { weight: 2, arbitrary: rawEscapes },
);

/** A thread key as a query value (encoded, or raw escapes). */
const keyQuery = fc.oneof(
  { weight: 5, arbitrary: knownKey },
  { weight: 3, arbitrary: fc.oneof(anyText, longText).map(encode) },
  { weight: 1, arbitrary: rawEscapes },
);

const limitQuery = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('1', '2', '3', '50', '100') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('0', '101', '-1', '1e2', '1.5', '', '%205', 'abc', '001', '0x5'),
  },
  { weight: 1, arbitrary: idText },
);

/** Times a cursor may carry: real ones near the seeded rows, and impossible ones. */
const cursorTime = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .integer({ min: -5, max: 120 })
      .map((s) => new Date(Date.UTC(2026, 2, 1, 12, 0, s)).toISOString()),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '2020',
      '9999-99-99',
      '2026-02-30T12:00:00.000Z',
      '0000-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
      '1970-01-01T00:00:00.000Z',
      '2026-03-01T12:00:00Z',
      '2026-03-01 12:00:00',
      '2026-03-01T12:00:00.000+00:00',
      '+275760-09-13T00:00:00.000Z',
      '',
      'NaN',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'Invalid' : d.toISOString())),
  },
  {
    // Every year the server's form can spell, 0000 (which PostgreSQL lacks) and 9999 included.
    weight: 2,
    arbitrary: fc
      .integer({ min: 0, max: 9999 })
      .map((year) => `${String(year).padStart(4, '0')}-03-01T12:00:00.000Z`),
  },
  { weight: 1, arbitrary: fc.oneof(anyText, wrongType) },
);

/** A cursor's id: real ones, and the boundaries of int4, of safe integers and beyond. */
const cursorId = fc.oneof(
  { weight: 3, arbitrary: knownMessage },
  { weight: 3, arbitrary: boundaryNumbers },
  { weight: 1, arbitrary: fc.nat({ max: 30 }) },
  // Past int4 but safe integers: the ids PostgreSQL's integer columns refuse with an error.
  { weight: 3, arbitrary: fc.bigInt({ min: 2n ** 31n, max: 2n ** 53n - 1n }).map(Number) },
  { weight: 1, arbitrary: fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n }).map(Number) },
  { weight: 1, arbitrary: wrongType },
);

/**
 * A cursor for a listing whose own scopes are `scopes`: one the server
 * issued, a forged one (mostly in the listing's own scope, so its time and
 * id are what gets judged), random base64url, or junk.
 */
function cursorQuery(...scopes: string[]): fc.Arbitrary<Slot> {
  const scope = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...scopes) },
    { weight: 1, arbitrary: fc.constantFrom(...SCOPES) },
    { weight: 1, arbitrary: anyText },
    // Not a string at all: an object whose toString is no function broke the error's text.
    { weight: 1, arbitrary: fc.oneof(fc.jsonValue(), fc.constant({ toString: 1 })) },
  );
  return fc.oneof(
    { weight: 4, arbitrary: fc.nat({ max: 20 }).map((i) => new Known('cursor', i)) },
    {
      weight: 5,
      arbitrary: fc.tuple(scope, cursorTime, cursorId).map((parts) => new Forged(parts)),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(wrongType, fc.array(wrongType, { maxLength: 5 }))
        .map((parts) => new Forged(parts)),
    },
    { weight: 1, arbitrary: fc.base64String({ maxLength: 60 }).map((s) => s.replace(/=+$/, '')) },
    {
      weight: 1,
      arbitrary: fc.oneof(rawEscapes, anyText.map(encode), fc.constant('A'.repeat(600))),
    },
  );
}

const messageSort = fc.constantFrom('oldest', 'newest', 'NEWEST', '', 'active', 'x');

/** Query pairs: each optional, in any order, sometimes repeated or unknown. */
function queryOf(
  fields: Record<string, fc.Arbitrary<Slot>>,
  /** The field most requests carry (a listing's cursor): there 4 times in 5. */
  often?: string,
): fc.Arbitrary<[string, Slot][]> {
  const pairs = Object.entries(fields).map(([name, value]) =>
    fc.option(
      value.map((v): [string, Slot] => [name, v]),
      { nil: undefined, freq: name === often ? 5 : 2 },
    ),
  );
  const extra = fc.array(
    fc.tuple(
      fc.constantFrom(...Object.keys(fields), 'x', '__proto__', 'token', 'constructor'),
      fc.oneof(...Object.values(fields), anyText.map(encode)),
    ),
    { maxLength: 2 },
  );
  return fc
    .tuple(fc.tuple(...pairs), fc.oneof({ weight: 6, arbitrary: fc.constant([]) }, extra))
    .map(([chosen, more]) => [
      ...chosen.filter((p): p is [string, Slot] => p !== undefined),
      ...(more as [string, Slot][]),
    ]);
}

/** A JSON body for a route: mostly `shape`, else any JSON, malformed JSON, deep nesting or too big. */
function bodyOf(shape: fc.Arbitrary<unknown>): fc.Arbitrary<FuzzBody> {
  return fc.oneof(
    { weight: 12, arbitrary: shape.map((json) => ({ json })) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((json) => ({ json })) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.constantFrom(
            '',
            '{',
            '{"author":',
            'null',
            '[]',
            '"x"',
            '1e400',
            '{"a":1}}',
            '\ufeff{}',
            "{'author':'a'}",
            'NaN',
            '{"author":"a","body":"b","parentId":1e400}',
            '{"author":"a","body":"b","parentId":123456789012345678901234567890}',
            '{"author":"a","body":"b","parentId":-0}',
            '{"author":"\\ud800","body":"\\u0000"}',
            '{"body":"x","body":"y","status":"hidden","status":"published"}',
            '{"ids":[1e400],"action":"hide"}',
            '{"status":"published","highlighted":"true"}',
            '{"__proto__":{"status":"hidden"},"highlighted":true}',
          ),
          fc.string({ maxLength: 30 }),
          fc.json({ maxDepth: 2 }).map((s) => s.slice(0, -1)),
        )
        .map((raw) => ({ raw })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: 30_000 }), fc.constantFrom('[', '{"a":'))
        .map(([depth, open]) => ({
          raw:
            open === '['
              ? `${'['.repeat(depth)}${']'.repeat(depth)}`
              : `${open.repeat(depth)}1${'}'.repeat(depth)}`,
        })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 300_000).map((bytes) => ({
        bytes,
      })),
    },
  );
}

const threadUrl = fc.oneof(
  { weight: 4, arbitrary: word.map((w) => `${BLOG_ORIGIN}/${w}`) },
  {
    weight: 2,
    arbitrary: fc.tuple(word, nastyText).map(([w, odd]) => `${BLOG_ORIGIN}/${w}${odd}`),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'https://evil.example/x',
      'javascript:alert(1)',
      'http://localhost/api/threads',
      `${BLOG_ORIGIN}/a\0b`,
      `${BLOG_ORIGIN}/a#<script>`,
      `${BLOG_ORIGIN}/${'x'.repeat(2040)}`,
      `${BLOG_ORIGIN}/\ud800`,
      ` ${BLOG_ORIGIN}/trim `,
      'https://blog.example@evil.example/',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.oneof(anyText, wrongType) },
);

/**
 * A body shape: mostly what a client of the API would send (so writes happen
 * and the state moves); else that with one field replaced by anything (so
 * the odd value gets past the other fields' checks, to the database); now
 * and then every field odd at once.
 */
function shape(
  valid: fc.Arbitrary<Record<string, unknown>>,
  odd: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<unknown> {
  const fields = Object.entries(odd);
  const oneOff = fc
    .tuple(valid, fc.oneof(...fields.map(([name, arb]) => arb.map((v) => [name, v] as const))))
    .map(([body, [name, value]]) => ({ ...body, [name]: value }));
  const allOdd = fc.record(Object.fromEntries(fields.map(([name, arb]) => [name, opt(arb)])));
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 4, arbitrary: oneOff },
    { weight: 1, arbitrary: allOdd },
  );
}

const author = fc.constantFrom('Ada', 'Grace', 'Mallory', 'Zoë', ' padded ');
const pageUrl = word.map((w) => `${BLOG_ORIGIN}/${w}`);

const postBody = shape(
  fc.record({
    author,
    body: sentence,
    parentId: opt(knownMessage),
    kind: opt(fc.constantFrom('reply', 'opening')),
    thread: opt(fc.record({ title: opt(sentence), url: opt(pageUrl) })),
    website: opt(fc.constantFrom('', 'http://spam.example')),
  }),
  {
    author: textField(author),
    body: textField(sentence),
    parentId: idValue,
    kind: fc.oneof(anyText, wrongType),
    thread: fc.oneof(
      fc.record({ title: opt(textField(sentence)), url: opt(threadUrl) }),
      wrongType,
    ),
    website: fc.constantFrom(' ', 'x'.repeat(3000), 1),
    email: fc.constantFrom('a@b.example', 'not-an-email', ''),
    notifyReplies: fc.oneof(fc.boolean(), wrongType),
    altcha: fc.oneof(fc.base64String({ maxLength: 40 }), wrongType),
  },
);

const editBody = shape(fc.record({ body: sentence }), { body: textField(sentence) });

const reportBody = shape(fc.record({ reason: opt(sentence) }), {
  reason: fc.oneof(textField(sentence), fc.constant(null)),
});

const adminMessagePatch = shape(
  fc.record({
    status: opt(fc.constantFrom('published', 'hidden')),
    highlighted: opt(fc.boolean()),
  }),
  {
    status: fc.oneof(fc.constantFrom('pending', 'deleted', 'spam'), wrongType),
    highlighted: wrongType,
  },
);

const bulkBody = shape(
  fc.record({
    ids: fc.uniqueArray(knownMessage, { minLength: 1, maxLength: 4, selector: (k) => k.index }),
    action: fc.constantFrom('publish', 'hide', 'delete'),
  }),
  {
    ids: fc.oneof(
      { weight: 6, arbitrary: fc.array(idValue, { minLength: 1, maxLength: 6 }) },
      { weight: 1, arbitrary: fc.constant([]) },
      {
        weight: 1,
        arbitrary: fc
          .integer({ min: 99, max: 102 })
          .map((n) => Array.from({ length: n }, (_, i) => 1_000_000 + i)),
      },
      { weight: 1, arbitrary: wrongType },
    ),
    action: anyText,
  },
);

const adminThreadPatch = shape(
  fc.record({
    title: opt(fc.oneof(sentence, fc.constant(null))),
    summary: opt(fc.oneof(sentence, fc.constant(null))),
    url: opt(fc.oneof(pageUrl, fc.constant(null))),
    status: opt(fc.constantFrom('open', 'closed')),
  }),
  {
    title: textField(sentence),
    summary: textField(sentence.map((s) => `${s}\n${s}`)),
    url: threadUrl,
    status: anyText,
  },
);

const ownerKeyBody = shape(fc.record({ label: opt(sentence) }), { label: textField(sentence) });

/** Who a request says it is. */
const wrongAuth = fc.oneof(
  fc.constantFrom(
    'Bearer wrong-token-0123456789',
    'Bearer ',
    'Bearer',
    'Basic dXNlcjpwYXNz',
    `bearer ${ADMIN_TOKEN}`,
    `Bearer  ${ADMIN_TOKEN}`,
    `Bearer ${ADMIN_TOKEN} extra`,
    `Bearer ${ADMIN_TOKEN}x`,
    ADMIN_TOKEN,
  ),
  fc.string({ unit: 'binary-ascii', maxLength: 30 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
);
const editAuth = knownMessage;
const ownerAuth = knownOwnerKey;

type Role = 'reader' | 'author' | 'admin';

/** The `Authorization` a request of this role mostly carries, and sometimes another. */
function authFor(role: Role): fc.Arbitrary<Slot | undefined> {
  const usual: fc.Arbitrary<Slot | undefined> =
    role === 'admin'
      ? fc.constant(ADMIN.Authorization)
      : role === 'author'
        ? editAuth
        : fc.constant(undefined);
  return fc.oneof(
    { weight: 10, arbitrary: usual },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constant(undefined),
        fc.constant(ADMIN.Authorization),
        editAuth,
        ownerAuth,
        wrongAuth,
      ),
    },
  );
}

/** A route: its method, path, query and body, and whose it is. */
interface Route {
  /** How often it is picked, against 1 for most routes: writes move the state. */
  weight?: number;
  method: string;
  role: Role;
  path: fc.Arbitrary<Slot[]>;
  query?: fc.Arbitrary<[string, Slot][]>;
  body?: fc.Arbitrary<FuzzBody>;
  /** Extra headers this route reads. */
  headers?: fc.Arbitrary<Record<string, Slot>>;
}

const fixed = (...segments: string[]) => fc.constant<Slot[]>(segments);
const noQuery = fc.constant<[string, Slot][]>([]);

const ROUTES: Route[] = [
  { method: 'GET', role: 'reader', path: fixed('healthz') },
  { method: 'GET', role: 'reader', path: fixed('admin') },
  {
    weight: 2,
    method: 'GET',
    role: 'reader',
    path: fixed('api', 'threads'),
    query: queryOf(
      {
        sort: fc.constantFrom('active', 'recent', 'oldest', ''),
        limit: limitQuery,
        cursor: cursorQuery('threads:active', 'threads:recent'),
      },
      'cursor',
    ),
  },
  {
    method: 'GET',
    role: 'reader',
    path: keySegment.map((key) => ['api', 'threads', key]),
    query: queryOf({ limit: limitQuery, sort: messageSort }),
    headers: fc.record(
      {
        'If-None-Match': fc.oneof(
          fc.nat({ max: 5 }).map((i) => new Known('etag', i)),
          fc.constantFrom('*', 'W/"1.1.open.oldest.50"', '"x"', ''),
        ),
      },
      { requiredKeys: [] },
    ),
  },
  {
    weight: 3,
    method: 'GET',
    role: 'reader',
    path: keySegment.map((key) => ['api', 'threads', key, 'messages']),
    query: queryOf(
      {
        cursor: cursorQuery(...SCOPES.filter((scope) => scope.startsWith('messages'))),
        limit: limitQuery,
        sort: messageSort,
        at: idSegment,
        highlighted: fc.constantFrom('true', 'false', '1', ''),
      },
      'cursor',
    ),
  },
  {
    weight: 5,
    method: 'POST',
    role: 'reader',
    path: keySegment.map((key) => ['api', 'threads', key, 'messages']),
    body: bodyOf(postBody),
  },
  {
    method: 'HEAD',
    role: 'reader',
    path: keySegment.map((key) => ['api', 'threads', key, 'events']),
    query: queryOf({ lastEventId: idText }),
  },
  {
    method: 'GET',
    role: 'reader',
    path: keySegment.map((key) => ['api', 'threads', key, 'events']),
    query: queryOf({ lastEventId: fc.oneof(fc.constantFrom('0', '1', '3'), idText) }),
    headers: fc.record(
      { 'Last-Event-ID': fc.oneof(fc.constantFrom('0', '2', '999999999999999'), idText) },
      { requiredKeys: [] },
    ),
  },
  {
    method: 'GET',
    role: 'reader',
    path: fixed('api', 'counts'),
    query: fc.oneof(
      {
        weight: 6,
        arbitrary: fc.array(
          keyQuery.map((k): [string, Slot] => ['key', k]),
          { maxLength: 6 },
        ),
      },
      {
        weight: 1,
        arbitrary: fc
          .integer({ min: 99, max: 101 })
          .map((n) => Array.from({ length: n }, (_, i): [string, Slot] => ['key', `k${i}`])),
      },
    ),
  },
  { method: 'GET', role: 'reader', path: fixed('api', 'challenge') },
  {
    weight: 2,
    method: 'PATCH',
    role: 'author',
    path: idSegment.map((id) => ['api', 'messages', id]),
    body: bodyOf(editBody),
  },
  {
    weight: 2,
    method: 'DELETE',
    role: 'author',
    path: idSegment.map((id) => ['api', 'messages', id]),
  },
  {
    weight: 2,
    method: 'POST',
    role: 'reader',
    path: idSegment.map((id) => ['api', 'messages', id, 'report']),
    body: bodyOf(reportBody),
  },
  {
    weight: 2,
    method: 'GET',
    role: 'admin',
    path: fixed('api', 'admin', 'messages'),
    query: queryOf(
      {
        status: fc.constantFrom(
          'pending',
          'published',
          'hidden',
          'spam',
          'reported',
          'deleted',
          '',
        ),
        thread: keyQuery,
        q: textField(word).map((v) =>
          typeof v === 'string' ? encode(v) : encode(JSON.stringify(v)),
        ),
        cursor: cursorQuery(...SCOPES.filter((scope) => scope.startsWith('admin-messages'))),
        limit: limitQuery,
      },
      'cursor',
    ),
  },
  {
    weight: 3,
    method: 'PATCH',
    role: 'admin',
    path: idSegment.map((id) => ['api', 'admin', 'messages', id]),
    body: bodyOf(adminMessagePatch),
  },
  {
    weight: 2,
    method: 'POST',
    role: 'admin',
    path: fixed('api', 'admin', 'messages', 'bulk'),
    body: bodyOf(bulkBody),
  },
  {
    method: 'DELETE',
    role: 'admin',
    path: idSegment.map((id) => ['api', 'admin', 'messages', id]),
  },
  {
    method: 'GET',
    role: 'admin',
    path: fixed('api', 'admin', 'export'),
    query: queryOf({ thread: keyQuery }),
  },
  {
    method: 'GET',
    role: 'admin',
    path: fixed('api', 'admin', 'threads'),
    query: queryOf({ cursor: cursorQuery('admin-threads'), limit: limitQuery }, 'cursor'),
  },
  {
    weight: 3,
    method: 'PATCH',
    role: 'admin',
    path: keySegment.map((key) => ['api', 'admin', 'threads', key]),
    body: bodyOf(adminThreadPatch),
  },
  { method: 'GET', role: 'admin', path: fixed('api', 'admin', 'owner-keys') },
  {
    method: 'POST',
    role: 'admin',
    path: fixed('api', 'admin', 'owner-keys'),
    body: bodyOf(ownerKeyBody),
  },
  {
    method: 'DELETE',
    role: 'admin',
    path: fc
      .oneof({ weight: 3, arbitrary: knownOwnerKey }, { weight: 2, arbitrary: idText })
      .map((id) => ['api', 'admin', 'owner-keys', id]),
  },
  {
    method: 'GET',
    role: 'admin',
    path: fixed('api', 'admin', 'deliveries'),
    query: queryOf(
      {
        state: fc.constantFrom('pending', 'delivered', 'failed', 'lost', ''),
        cursor: cursorQuery(...SCOPES.filter((scope) => scope.startsWith('admin-deliveries'))),
        limit: limitQuery,
      },
      'cursor',
    ),
  },
  {
    method: 'POST',
    role: 'admin',
    path: idText.map((id) => ['api', 'admin', 'deliveries', id, 'retry']),
    body: bodyOf(fc.constant({})),
  },
  {
    // No such route: the envelope's 404, whatever the method.
    method: 'GET',
    role: 'reader',
    path: fc.array(
      fc.oneof(rawEscapes, anyText.map(encode), fc.constantFrom('api', 'admin', 'threads')),
      {
        maxLength: 5,
      },
    ),
  },
];

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Slot | undefined>('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom<Slot | undefined>(
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/jsonp',
      'application/json;',
      ' application/json ',
      'application/merge-patch+json',
      '',
      'application/json, text/plain',
    ),
  },
);

const origin = fc.oneof(
  { weight: 8, arbitrary: fc.constant<Slot | undefined>(undefined) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<Slot | undefined>(
      BLOG_ORIGIN,
      'https://evil.example',
      'null',
      'http://localhost',
      'https://blog.example.evil.com',
      'https://BLOG.example',
      'https://blog.example:443',
      '*',
      '',
    ),
  },
);

const peer = fc.oneof(
  { weight: 6, arbitrary: fc.constant('203.0.113.7') },
  {
    weight: 2,
    arbitrary: fc.constantFrom('203.0.113.8', '198.51.100.1', '2001:db8::1', '2001:db8:0:1::2'),
  },
  { weight: 1, arbitrary: fc.ipV4() },
);

/** How far the clock moves: mostly a second, sometimes past the edit window or a day. */
const wait = fc.oneof(
  { weight: 8, arbitrary: fc.constant(1000) },
  { weight: 2, arbitrary: fc.constantFrom(0, 60_000, 16 * 60_000, 25 * 3_600_000) },
);

/** One request to one route, with the headers every request may carry. */
function requestTo(route: Route): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      method: fc.oneof(
        { weight: 12, arbitrary: fc.constant(route.method) },
        { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
      ),
      path: route.path,
      query: route.query ?? noQuery,
      body: route.body
        ? fc.option(route.body, { nil: undefined, freq: 10 })
        : fc.constant(undefined),
      extra: route.headers ?? fc.constant({}),
      authorization: authFor(route.role),
      contentType,
      origin,
      wait,
      peer,
    })
    .map(({ extra, authorization, contentType, origin, body, ...rest }) => {
      const headers: Record<string, Slot> = { ...extra };
      if (authorization !== undefined) headers.Authorization = authorization;
      if (contentType !== undefined && body !== undefined) headers['Content-Type'] = contentType;
      if (origin !== undefined) headers.Origin = origin;
      return body === undefined ? { ...rest, headers } : { ...rest, headers, body };
    });
}

/** Any request to any route of the app. */
const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  ...ROUTES.map((route) => ({ weight: route.weight ?? 1, arbitrary: requestTo(route) })),
);

/** A run: the requests one fresh pair of databases gets, in order. */
export function fuzzRequests(maxLength: number): fc.Arbitrary<FuzzRequest[]> {
  return fc.array(fuzzRequest, { minLength: 1, maxLength, size: 'max' });
}
