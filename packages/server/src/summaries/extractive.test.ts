import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { renderMarkdown } from '../markdown/render.ts';
import { summaryInput } from './discussions/discussion.ts';
import { discussions } from './discussions/index.ts';
import { extractiveSummary, SUMMARY_MAX_LENGTH, summarizeExtractive } from './extractive.ts';
import { detectLanguage } from './language.ts';
import { textBlocks } from './plain-text.ts';
import { splitSentences } from './sentences.ts';
import type { SummaryInput, SummaryMessage } from './summarizer.ts';

const length = (text: string) => [...text].length;

function thread(title: string | null, ...posts: [author: string, body: string][]): SummaryInput {
  return {
    title,
    messages: posts.map(([author, body], index) => ({
      id: index + 1,
      kind: 'reply',
      author,
      html: renderMarkdown(body),
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
    })),
  };
}

describe('splitSentences', () => {
  it('keeps German abbreviations inside their sentence (z. B., u. a., d. h., Dr., am 3. März)', () => {
    assert.deepEqual(
      splitSentences(
        'Das geht z. B. mit dem Zähler. Er baut u. a. Geräte ein, d. h. alles. Dr. Weber kam am 3. März zurück. Wirklich?',
        'de',
      ),
      [
        'Das geht z. B. mit dem Zähler.',
        'Er baut u. a. Geräte ein, d. h. alles.',
        'Dr. Weber kam am 3. März zurück.',
        'Wirklich?',
      ],
    );
  });

  it('keeps English abbreviations and initials inside their sentence', () => {
    assert.deepEqual(
      splitSentences('Mr. Smith uses e.g. Vim. J. R. R. Tolkien wrote it. Did he? Yes', 'en'),
      ['Mr. Smith uses e.g. Vim.', 'J. R. R. Tolkien wrote it.', 'Did he?', 'Yes'],
    );
  });

  it('splits Japanese at 。 and ？ and Chinese at 。 and ！, and keeps a last sentence without a stop', () => {
    assert.deepEqual(splitSentences('今日は晴れです。明日は雨でしょうか？そうですね', 'ja'), [
      '今日は晴れです。',
      '明日は雨でしょうか？',
      'そうですね',
    ]);
    assert.deepEqual(splitSentences('这是第一句。这是第二句！第三句', 'zh'), [
      '这是第一句。',
      '这是第二句！',
      '第三句',
    ]);
  });

  it('splits at a question mark followed by a capital', () => {
    assert.deepEqual(splitSentences('Is it webpack? Or is it Node', 'en'), [
      'Is it webpack?',
      'Or is it Node',
    ]);
  });
});

describe('detectLanguage', () => {
  const cases: [string, string][] = [
    ['Raspberry Pi 5 と外付けHDDで家庭用のNASを作ろうと考えています。', 'ja'],
    ['我有两年 Python 经验，想在今年学习 Rust。', 'zh'],
    ['라즈베리 파이로 서버를 만들고 싶습니다.', 'ko'],
    ['The build fails on Node 22 and we do not know why.', 'en'],
    ['Ich habe mir ein Balkonkraftwerk gekauft und frage mich, wie das geht.', 'de'],
    ["Notre jardin partagé compte vingt parcelles et l'arrosage est compliqué.", 'fr'],
    ['El jardín tiene veinte parcelas y el riego es muy difícil para todos.', 'es'],
    ['O jardim tem vinte canteiros e a rega não é fácil para nós.', 'pt'],
    ['', 'en'],
    ['12345 :-)', 'en'],
    ['We met 王小明 at the conference and talked about the new release for a while.', 'en'],
  ];
  for (const [text, language] of cases) {
    it(`finds ${language} in ${JSON.stringify(text.slice(0, 30))}`, () => {
      assert.equal(detectLanguage(text), language);
    });
  }
});

describe('textBlocks', () => {
  it('leaves out code blocks and quotes, keeps inline code, decodes entities', () => {
    const html = renderMarkdown(
      '> Someone else said this.\n\nSet `PORT` to 80 & restart <now>.\n\n```\nrm -rf /tmp/x\n```\n\n- one\n- two',
    );
    assert.deepEqual(textBlocks(html), ['Set PORT to 80 & restart <now>.', 'one', 'two']);
  });

  it('gives nothing for a deleted message (empty html)', () => {
    assert.deepEqual(textBlocks(''), []);
  });

  it('makes each line after a break a block of its own', () => {
    assert.deepEqual(textBlocks(renderMarkdown('first line\nsecond line')), [
      'first line',
      'second line',
    ]);
  });
});

describe('summarizeExtractive on the corpus discussions', () => {
  for (const discussion of discussions) {
    describe(discussion.name, () => {
      const input = summaryInput(discussion);
      const result = summarizeExtractive(input);

      it('is a real discussion: 6-15 messages, several participants', () => {
        assert.ok(input.messages.length >= 6 && input.messages.length <= 15);
        assert.ok(new Set(input.messages.map((message) => message.author)).size >= 3);
      });

      it(`reads it as ${discussion.language}`, () => {
        assert.equal(result?.language, discussion.language);
      });

      it('says what the thread is about: the sentences it must contain, none it must not', () => {
        assert.ok(result, 'a summary');
        for (const phrase of discussion.mustContain) {
          assert.ok(
            result.text.includes(phrase),
            `missing ${JSON.stringify(phrase)} in ${result.text}`,
          );
        }
        for (const phrase of discussion.mustNotContain) {
          assert.ok(!result.text.includes(phrase), `has ${JSON.stringify(phrase)}: ${result.text}`);
        }
      });

      it('stays within 400 code points and 3 sentences, from different participants', () => {
        assert.ok(result);
        assert.ok(length(result.text) <= SUMMARY_MAX_LENGTH, `${length(result.text)} code points`);
        assert.ok(result.sentences.length >= 2 && result.sentences.length <= 3);
        const authors = new Set(result.sentences.map((sentence) => sentence.author));
        assert.equal(authors.size, result.sentences.length, 'one sentence per participant');
      });

      it('is deterministic', async () => {
        assert.deepEqual(summarizeExtractive(summaryInput(discussion)), result);
        assert.equal(await extractiveSummary(summaryInput(discussion)), result?.text);
      });
    });
  }
});

describe('summarizeExtractive', () => {
  it('is null when no message has a sentence worth quoting', () => {
    const input = thread('Hello', ['A', 'Thanks!'], ['B', '+1'], ['C', 'Same here.'], ['D', '']);
    assert.equal(summarizeExtractive(input), null);
    assert.equal(summarizeExtractive({ title: 'Nothing', messages: [] }), null);
  });

  it('cuts a single sentence over the budget at a word boundary, with "…"', () => {
    const long = `This single sentence keeps going ${'and going '.repeat(60)}until the end.`;
    const result = summarizeExtractive(thread(null, ['A', long], ['B', 'Ok.']));
    assert.ok(result);
    assert.ok(length(result.text) <= SUMMARY_MAX_LENGTH);
    assert.match(
      result.text,
      /^This single sentence keeps going (?:and going )+(?:and|and going)…$/,
    );
  });

  it('rejects when its signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stopping'));
    await assert.rejects(
      extractiveSummary(thread(null, ['A', 'Hi']), controller.signal),
      /stopping/,
    );
  });

  it('summarises a 500-message thread, quoting its messages', () => {
    const result = summarizeExtractive(ordinaryThread(500));
    assert.ok(result);
    assert.ok(length(result.text) <= SUMMARY_MAX_LENGTH);
    assert.ok(result.sentences.length >= 2);
    for (const sentence of result.sentences) {
      assert.match(sentence.text, /^Message \d+ talks about|^We tried the|^Is the/);
    }
  });

  it('reads only the first 3,000 code points of a message, and never quotes a sentence cut there', () => {
    const filler = 'Our garden club meets on Tuesdays near the old mill by the river. ';
    // Ends 20 code points before the cap, so the next sentence straddles it.
    const opening = `${filler.repeat(Math.floor(2980 / filler.length))}`;
    const pad = 'x'.repeat(2980 - length(opening));
    const straddling =
      'The heat pump installation heat pump costs heat pump subsidy heat pump noise.';
    const beyond = 'The heat pump heat pump subsidy covers the heat pump installation costs.';
    const input: SummaryInput = {
      title: 'Heat pump installation costs',
      messages: [
        message(1, 'opening', 'Owner', `<p>${opening}${pad} ${straddling} ${beyond}</p>`),
        message(
          2,
          'reply',
          'B',
          '<p>The river garden club was founded by the old mill owners.</p>',
        ),
        message(3, 'reply', 'C', '<p>We meet near the river garden on Tuesdays and Thursdays.</p>'),
      ],
    };
    const result = summarizeExtractive(input);
    assert.ok(result);
    assert.ok(!result.text.includes('heat pump'), result.text);
    assert.ok(!result.text.includes('The heat'), result.text);
    // Without the cap, the title's words win.
    const uncapped = summarizeExtractive({
      ...input,
      messages: [message(1, 'opening', 'Owner', `<p>${beyond}</p>`), ...input.messages.slice(1)],
    });
    assert.ok(uncapped?.text.includes(beyond));
  });

  it('reads the opening post and messages from all over a thread too big to read whole', () => {
    const body = (index: number) =>
      `<p>${`Reply ${index} discusses the garden compost and watering schedule. `.repeat(45)}</p>`;
    const messages = [
      message(
        1,
        'opening',
        'Owner',
        '<p>Should the garden compost the leaves this autumn or not at all?</p>',
      ),
    ];
    for (let index = 2; index <= 400; index++)
      messages.push(message(index, 'reply', `R${index % 30}`, body(index)));
    const result = summarizeExtractive({ title: 'Garden compost', messages });
    assert.ok(result);
    assert.equal(result.sentences[0]?.messageId, 1, 'leads with the opening post');
  });

  it('rejects when aborted while it works, between two slices', async () => {
    const controller = new AbortController();
    const work = extractiveSummary(ordinaryThread(500, 20), controller.signal);
    setImmediate(() => controller.abort(new Error('stopping')));
    await assert.rejects(work, /stopping/);
  });
});

describe('extractiveSummary keeps the server responsive', () => {
  const paragraph = (text: string) => `<p>${text}</p>`;
  const attacks: [name: string, input: () => SummaryInput][] = [
    [
      '45 posts of "<letter><n>. " + "A. " x 3299 (initials that never end a sentence)',
      () => ({
        title: 'A',
        messages: Array.from({ length: 45 }, (_, index) =>
          message(
            index + 1,
            'reply',
            `P${index}`,
            paragraph(`${String.fromCharCode(65 + (index % 26))}${index}. ${'A. '.repeat(3299)}`),
          ),
        ),
      }),
    ],
    ['500 messages of about 10,000 characters', () => ordinaryThread(500, 60)],
    [
      '"Mr. " x 3000',
      () => ({
        title: 'Mr',
        messages: [
          message(1, 'opening', 'A', paragraph('Mr. '.repeat(3000))),
          message(
            2,
            'reply',
            'B',
            paragraph('Mr. Smith and Mrs. Smith met Dr. Jones at the station today.'),
          ),
        ],
      }),
    ],
    [
      '10,000 spaces and tabs inside and around sentences',
      () => ({
        title: 'Whitespace',
        messages: Array.from({ length: 20 }, (_, index) =>
          message(
            index + 1,
            'reply',
            `P${index}`,
            paragraph(
              `Spaces${' \t'.repeat(5000)}and tabs everywhere in here. ${'\t '.repeat(5000)}`,
            ),
          ),
        ),
      }),
    ],
    [
      'no punctuation at all',
      () => ({
        title: 'Words',
        messages: Array.from({ length: 60 }, (_, index) =>
          message(
            index + 1,
            'reply',
            `P${index}`,
            paragraph(`word${index} garden river mill `.repeat(400)),
          ),
        ),
      }),
    ],
    [
      'thousands of one-word sentences',
      () => ({
        title: 'Short',
        messages: Array.from({ length: 30 }, (_, index) =>
          message(
            index + 1,
            'reply',
            `P${index}`,
            paragraph(Array.from({ length: 1500 }, (_, n) => `Word${n % 97}.`).join(' ')),
          ),
        ),
      }),
    ],
    [
      'zero-width characters',
      () => ({
        title: 'Zero\u200bwidth',
        messages: Array.from({ length: 30 }, (_, index) =>
          message(
            index + 1,
            'reply',
            `P${index}`,
            paragraph(
              `${'\u200b'.repeat(4000)}${'A.\u200b'.repeat(2000)}${'word\u200d\ufeff'.repeat(1000)}`,
            ),
          ),
        ),
      }),
    ],
  ];

  for (const [name, build] of attacks) {
    it(`finishes without blocking the event loop for 100 ms: ${name}`, async () => {
      const input = build();
      const longest = await longestBlock(() => extractiveSummary(input));
      assert.ok(
        longest.block < 100,
        `the event loop was blocked for ${longest.block.toFixed(0)} ms`,
      );
      const text = longest.value;
      assert.ok(text === null || (text.trim() !== '' && length(text) <= SUMMARY_MAX_LENGTH));
    });
  }
});

describe('summaries carry no links, addresses or greetings', () => {
  const heatPump: [author: string, body: string][] = [
    [
      'Owner',
      'We are replacing our gas boiler with an air-source heat pump this autumn. The installer quoted 14,000 euros before the subsidy, and we wonder whether the radiators need replacing too.',
    ],
    [
      'Ines',
      'Our heat pump runs fine with the old radiators because we lowered the flow temperature to 45 degrees first. Try that for a winter before replacing anything.',
    ],
    [
      'Karl',
      'The subsidy paid 40 percent of our heat pump installation, but the application has to be filed before the installer signs the contract.',
    ],
    ['Mo', 'Thanks, this is really helpful!'],
    [
      'Lea',
      'Check the noise of the outdoor unit: ours is 35 dB at night, and the neighbours never noticed the heat pump.',
    ],
    [
      'newcomer42',
      'Heat pump installation, heat pump subsidy, radiators, gas boiler replacement: heatpump-deals.example installs them cheaply, with the subsidy paperwork for your heat pump installation done for you.',
    ],
    [
      'Tom',
      'Our electricity bill went up by 60 euros a month, and the gas bill of 150 euros is gone, so the heat pump pays for itself.',
    ],
  ];

  it('never quotes a sentence naming a domain (the heat-pump thread and its spam reply)', () => {
    const input = thread(
      'Replacing a gas boiler with a heat pump: radiators, subsidy, installation',
      ...heatPump,
    );
    const result = summarizeExtractive({
      ...input,
      messages: input.messages.map((each, index) => ({
        ...each,
        kind: index === 0 ? 'opening' : 'reply',
      })),
    });
    assert.ok(result);
    assert.ok(!result.text.includes('heatpump-deals'), result.text);
    assert.ok(!result.sentences.some((sentence) => sentence.author === 'newcomer42'), result.text);
    assert.ok(result.text.includes('air-source heat pump'), result.text);
  });

  for (const [kind, spam] of [
    [
      'a URL',
      'Read https://example.com/heat-pump-installation-subsidy for the heat pump installation subsidy radiators.',
    ],
    [
      'www.',
      'Read www.example.com about heat pump installation subsidy radiators and the gas boiler.',
    ],
    [
      'an e-mail address',
      'Write to sales@example.com about heat pump installation subsidy radiators and the gas boiler.',
    ],
    [
      'a host name',
      'Order at shop.example.com for heat pump installation subsidy radiators and the gas boiler.',
    ],
    [
      'an @-mention',
      '@Ines heat pump installation subsidy radiators and the gas boiler replacement worked for you?',
    ],
    // Trial round 3: the advert in a sentence of its own, the title's words in the other.
    [
      'a host in another sentence of its message',
      'Heat pump installation with a subsidy for radiators is easy when the gas boiler goes. Order yours at cheap-deals.example now.',
    ],
    [
      'a link (its text alone is ordinary)',
      'Heat pump installation subsidy radiators and the gas boiler are all covered by [the best heat pump installers](https://cheap-deals.example/heat-pumps).',
    ],
    [
      'a capitalised host name',
      'Heat pump installation subsidy radiators and the gas boiler replacement come cheapest from Cheap-Deals.COM this winter.',
    ],
  ] as const) {
    it(`skips a sentence with ${kind}`, () => {
      const result = summarizeExtractive(
        thread('Heat pump installation subsidy radiators gas boiler', ...heatPump.slice(0, 5), [
          'Spammer',
          spam,
        ]),
      );
      assert.ok(result);
      assert.ok(!result.sentences.some((sentence) => sentence.author === 'Spammer'), result.text);
    });
  }

  it('keeps sentences with "e.g.", "z. B.", version numbers and file names', () => {
    const result = summarizeExtractive(
      thread(
        'Build',
        [
          'A',
          'The build needs e.g. Node 22.3 and a webpack.config.mjs file before it starts working.',
        ],
        ['B', 'Der Build braucht z. B. Node 22.3 und eine package.json Datei im Projektordner.'],
      ),
    );
    assert.equal(result?.sentences.length, 2);
  });
});

/** One message with its HTML as given. */
function message(
  id: number,
  kind: SummaryMessage['kind'],
  author: string,
  html: string,
): SummaryMessage {
  return { id, kind, author, html, createdAt: new Date(Date.UTC(2026, 0, 1, 0, id)).toISOString() };
}

/** A big ordinary thread: `count` messages of three sentences each, each body repeated `repeat` times. */
function ordinaryThread(count: number, repeat = 1): SummaryInput {
  const topics = ['database', 'migration', 'backup', 'replica', 'index', 'vacuum', 'schema'];
  const posts: [string, string][] = [];
  for (let index = 0; index < count; index++) {
    const a = topics[index % topics.length]!;
    const b = topics[(index * 3 + 1) % topics.length]!;
    const body = `Message ${index} talks about the ${a} and the ${b} of our server. We tried the ${b} ${index} times last week and it worked. Is the ${a} still slow for you? `;
    posts.push([`reader${index % 37}`, body.repeat(repeat)]);
  }
  return thread('Database maintenance', ...posts);
}

/**
 * Runs `work` while a 1 ms timer ticks, and gives its value and the
 * longest gap between two ticks: how long the event loop was held.
 */
async function longestBlock<T>(work: () => Promise<T>): Promise<{ value: T; block: number }> {
  let last = performance.now();
  let block = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    block = Math.max(block, now - last);
    last = now;
  }, 1);
  try {
    const value = await work();
    block = Math.max(block, performance.now() - last);
    return { value, block };
  } finally {
    clearInterval(ticker);
  }
}

describe('summarizeExtractive, for arbitrary messages (property)', () => {
  const word = fc.constantFrom(
    'the',
    'server',
    'Node',
    'build',
    'fails',
    'z. B.',
    'Dr.',
    'e.g.',
    'ESM',
    'と',
    '東京',
    '会議',
    '。',
    '!',
    '?',
    '.',
    ',',
    '&amp;',
    '<b>',
    '"',
    'Größe',
    '学习',
    '😀',
    '\u00a0',
    '\n\n',
    '> ',
    '`x`',
  );
  const body = fc.array(word, { maxLength: 60 }).map((words) => words.join(' '));
  const message = fc.record({ author: fc.constantFrom('A', 'B', 'C', 'D'), body });
  const input = fc
    .record({
      title: fc.option(body, { nil: null }),
      messages: fc.array(message, { maxLength: 12 }),
      raw: fc.boolean(),
    })
    .map(({ title, messages, raw }) => ({
      title,
      messages: messages.map(
        ({ author, body }, index): SummaryMessage => ({
          id: index + 1,
          kind: index === 0 ? 'opening' : 'reply',
          author,
          // Mostly the renderer's HTML; sometimes the text itself as "HTML", to shake the parser.
          html: raw ? body : renderMarkdown(body.trim() === '' ? 'x' : body),
          createdAt: '2026-01-01T00:00:00.000Z',
        }),
      ),
    }));

  it('is null or a non-empty text of at most 400 code points, quoting only text in the messages', () => {
    fc.assert(
      fc.property(input, (summaryInput) => {
        const result = summarizeExtractive(summaryInput);
        if (result === null) return;
        assert.ok(result.text.trim() !== '');
        assert.ok(length(result.text) <= SUMMARY_MAX_LENGTH);
        assert.ok(result.sentences.length >= 1 && result.sentences.length <= 3);
        for (const sentence of result.sentences) {
          const message = summaryInput.messages.find((each) => each.id === sentence.messageId);
          assert.ok(message);
          const quoted = sentence.text.endsWith('…') ? sentence.text.slice(0, -1) : sentence.text;
          assert.ok(
            textBlocks(message.html).join('\n').includes(quoted),
            `${quoted} not in its message`,
          );
          assert.ok(result.text.includes(quoted));
        }
      }),
      { numRuns: 300 },
    );
  });
});
