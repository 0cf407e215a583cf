import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS } from './cli/commands.ts';
import {
  ConfigError,
  checkAdminToken,
  parseCommandLine,
  SETTINGS,
  type ServerConfig,
  settingDefault,
} from './config.ts';
import { helpText } from './settings-docs.ts';
import { ADMIN_TOKEN } from './testing/app-fixture.ts';

/** Parses and insists on a serve command, returning its config. */
function serve(argv: string[], env: NodeJS.ProcessEnv = {}): ServerConfig {
  const command = parseCommandLine(argv, env);
  assert.equal(command.kind, 'serve');
  return command.config;
}

/** Asserts that parsing fails with a ConfigError and returns its message. */
function refusal(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  let message = '';
  assert.throws(
    () => parseCommandLine(argv, env),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, `a ConfigError, not ${String(error)}`);
      message = error.message;
      return true;
    },
  );
  return message;
}

describe('parseCommandLine', () => {
  describe('defaults', () => {
    it('serves on 127.0.0.1:8787 with the default database, no extra origins, no proxies and 10 posts a minute', () => {
      const config = serve([]);
      assert.equal(config.PORT, 8787);
      assert.equal(config.HOST, '127.0.0.1');
      assert.equal(config.DATABASE_URL, undefined);
      assert.deepEqual(config.PARLEY_ORIGINS, []);
      assert.equal(config.PARLEY_TRUSTED_PROXIES.has('127.0.0.1'), false);
      assert.equal(config.PARLEY_RATE_LIMIT, 10);
      assert.equal(config.PARLEY_WIDGET_DIR, undefined);
    });

    it('ignores environment variables that are not settings', () => {
      const config = serve([], { NODE_ENV: 'production', PARLEY_PORT: '1', port: '2' });
      assert.equal(config.PORT, 8787);
    });
  });

  describe('environment variables', () => {
    it('reads every setting from its environment variable', () => {
      const config = serve([], {
        PORT: '9000',
        HOST: '0.0.0.0',
        DATABASE_URL: 'postgres://db.internal/parley',
        PARLEY_ORIGINS: 'https://blog.example.com, http://localhost:4000',
        PARLEY_TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.1',
        PARLEY_RATE_LIMIT: '0',
        PARLEY_WIDGET_DIR: '/srv/widget',
      });
      assert.equal(config.PORT, 9000);
      assert.equal(config.HOST, '0.0.0.0');
      assert.equal(config.DATABASE_URL, 'postgres://db.internal/parley');
      assert.deepEqual(config.PARLEY_ORIGINS, [
        'https://blog.example.com',
        'http://localhost:4000',
      ]);
      assert.equal(config.PARLEY_TRUSTED_PROXIES.has('10.1.2.3'), true);
      assert.equal(config.PARLEY_TRUSTED_PROXIES.has('192.0.2.1'), true);
      assert.equal(config.PARLEY_TRUSTED_PROXIES.has('192.0.2.2'), false);
      assert.equal(config.PARLEY_RATE_LIMIT, 0);
      assert.equal(config.PARLEY_WIDGET_DIR, '/srv/widget');
    });

    it('treats an empty environment variable as unset', () => {
      const config = serve([], {
        PORT: '',
        HOST: '',
        DATABASE_URL: '',
        PARLEY_ORIGINS: '',
        PARLEY_TRUSTED_PROXIES: '',
        PARLEY_RATE_LIMIT: '',
      });
      assert.equal(config.PORT, 8787);
      assert.equal(config.HOST, '127.0.0.1');
      assert.equal(config.DATABASE_URL, undefined);
      assert.deepEqual(config.PARLEY_ORIGINS, []);
      assert.equal(config.PARLEY_RATE_LIMIT, 10);
    });

    it('treats a blank environment variable as unset, so PARLEY_RATE_LIMIT=" " never turns the limit off', () => {
      // Regression: zod's number coercion reads " " as 0, and 0 means "no limit".
      const config = serve([], { PORT: ' ', PARLEY_RATE_LIMIT: ' \t', HOST: '  ' });
      assert.equal(config.PARLEY_RATE_LIMIT, 10);
      assert.equal(config.PORT, 8787);
      assert.equal(config.HOST, '127.0.0.1');
    });

    it('accepts PORT=0 (the system picks a port)', () => {
      assert.equal(serve([], { PORT: '0' }).PORT, 0);
    });
  });

  describe('flags', () => {
    it('reads every setting from its flag, as --flag value and --flag=value', () => {
      const config = serve([
        '--port',
        '9001',
        '--host=::1',
        '--database-url',
        'sqlite:/tmp/x.db',
        '--origins=https://a.example',
        '--trusted-proxies',
        '2001:db8::/32',
        '--rate-limit=3',
        '--widget-dir',
        '/srv/w',
      ]);
      assert.equal(config.PORT, 9001);
      assert.equal(config.HOST, '::1');
      assert.equal(config.DATABASE_URL, 'sqlite:/tmp/x.db');
      assert.deepEqual(config.PARLEY_ORIGINS, ['https://a.example']);
      assert.equal(config.PARLEY_TRUSTED_PROXIES.has('2001:db8::5'), true);
      assert.equal(config.PARLEY_RATE_LIMIT, 3);
      assert.equal(config.PARLEY_WIDGET_DIR, '/srv/w');
    });

    it('lets every flag win over its environment variable', () => {
      const env = {
        PORT: '1',
        HOST: 'env.example',
        DATABASE_URL: 'sqlite:/env.db',
        PARLEY_ORIGINS: 'https://env.example',
        PARLEY_TRUSTED_PROXIES: '192.0.2.1',
        PARLEY_RATE_LIMIT: '99',
        PARLEY_WIDGET_DIR: '/env',
      };
      const config = serve(
        [
          '--port=2',
          '--host=flag.example',
          '--database-url=sqlite:/flag.db',
          '--origins=https://flag.example',
          '--trusted-proxies=198.51.100.1',
          '--rate-limit=5',
          '--widget-dir=/flag',
        ],
        env,
      );
      assert.equal(config.PORT, 2);
      assert.equal(config.HOST, 'flag.example');
      assert.equal(config.DATABASE_URL, 'sqlite:/flag.db');
      assert.deepEqual(config.PARLEY_ORIGINS, ['https://flag.example']);
      assert.equal(config.PARLEY_TRUSTED_PROXIES.has('198.51.100.1'), true);
      assert.equal(config.PARLEY_TRUSTED_PROXIES.has('192.0.2.1'), false);
      assert.equal(config.PARLEY_RATE_LIMIT, 5);
      assert.equal(config.PARLEY_WIDGET_DIR, '/flag');
    });

    it('takes the environment for settings no flag gives', () => {
      const config = serve(['--port', '2'], { PARLEY_RATE_LIMIT: '4' });
      assert.equal(config.PORT, 2);
      assert.equal(config.PARLEY_RATE_LIMIT, 4);
    });

    it('does not validate an environment variable a flag overrides', () => {
      assert.equal(serve(['--port', '2'], { PORT: 'not a port' }).PORT, 2);
    });

    it('takes the last of a repeated flag', () => {
      assert.equal(serve(['--port=8080', '--port=9090']).PORT, 9090);
    });

    it('treats an empty flag as unset, falling back to the environment variable', () => {
      assert.equal(serve(['--port', ''], { PORT: '9000' }).PORT, 9000);
    });
  });

  describe('DATABASE_URL', () => {
    it('refuses a URL of another scheme, naming the scheme and never the URL', () => {
      for (const url of ['mysql://u:Pw123Secret@host/db', 'postgress://u:Pw123Secret@host/db']) {
        const message = refusal([], { DATABASE_URL: url });
        assert.match(
          message,
          /DATABASE_URL \/ --database-url: uses the scheme \w+:, which is neither/,
        );
        assert.doesNotMatch(message, /Pw123Secret|host\/db/);
      }
    });

    it('takes PostgreSQL URLs, sqlite:PATH and plain paths, a Windows drive included', () => {
      for (const url of [
        'postgres://h/db',
        'POSTGRESQL://h/db',
        'sqlite:./data/x.db',
        './data/x.db',
        '/srv/parley.db',
        'C:\\parley\\x.db',
      ]) {
        assert.equal(serve([], { DATABASE_URL: url }).DATABASE_URL, url);
      }
    });
  });

  describe('PARLEY_ORIGINS', () => {
    it('normalises each origin to scheme://host[:port], lowercased, default port dropped', () => {
      const config = serve([], {
        PARLEY_ORIGINS:
          ' https://Blog.Example.com/some/path , http://b.example:80,http://c.example:8080,',
      });
      assert.deepEqual(config.PARLEY_ORIGINS, [
        'https://blog.example.com',
        'http://b.example',
        'http://c.example:8080',
      ]);
    });

    it('accepts * alone for any origin', () => {
      assert.equal(serve([], { PARLEY_ORIGINS: ' * ' }).PARLEY_ORIGINS, '*');
    });

    for (const bad of [
      'ftp://x',
      'blog.example.com',
      'javascript:alert(1)',
      'file:///etc',
      '*,https://a.example',
    ]) {
      it(`refuses ${JSON.stringify(bad)}, naming the setting, the entry and what it accepts`, () => {
        const message = refusal([], { PARLEY_ORIGINS: bad });
        assert.match(message, /^invalid setting: PARLEY_ORIGINS \/ --origins: /);
        const entry = bad.split(',')[0]!;
        assert.ok(message.includes(`"${entry}" is not an http(s) origin`), message);
        assert.ok(
          message.includes(
            '(accepts comma-separated origins such as https://blog.example.com, or *)',
          ),
          message,
        );
      });
    }
  });

  describe('PARLEY_PUBLIC_URL', () => {
    it('is unset by default, and keeps an absolute http(s) URL with its path', () => {
      assert.equal(serve([]).PARLEY_PUBLIC_URL, undefined);
      assert.equal(
        serve(['--public-url', 'https://Comments.example/parley/']).PARLEY_PUBLIC_URL,
        'https://comments.example/parley/',
      );
    });

    for (const [bad, why] of [
      ['comments.example', 'is not an absolute URL'],
      ['/parley', 'is not an absolute URL'],
      ['ftp://comments.example', 'is not an http(s) URL'],
      ['javascript:alert(1)', 'is not an http(s) URL'],
    ]) {
      it(`refuses ${JSON.stringify(bad)}, naming the setting and what it accepts`, () => {
        const message = refusal([], { PARLEY_PUBLIC_URL: bad });
        assert.match(message, /^invalid setting: PARLEY_PUBLIC_URL \/ --public-url: /);
        assert.ok(message.includes(`"${bad}" ${why}`), message);
        assert.ok(message.includes('(accepts an absolute http(s) URL'), message);
      });
    }
  });

  describe('PARLEY_VERIFY_URLS', () => {
    it('is on by default, and takes on or off', () => {
      assert.equal(serve([]).PARLEY_VERIFY_URLS, 'on');
      assert.equal(serve([], { PARLEY_VERIFY_URLS: 'off' }).PARLEY_VERIFY_URLS, 'off');
      assert.equal(serve(['--verify-urls', 'on']).PARLEY_VERIFY_URLS, 'on');
    });

    it('refuses anything else', () => {
      const message = refusal([], { PARLEY_VERIFY_URLS: 'yes' });
      assert.match(message, /PARLEY_VERIFY_URLS \/ --verify-urls: must be on or off/);
    });

    it('says in --help that it is off when PARLEY_ORIGINS is *', () => {
      assert.match(helpEntry('verify-urls'), /off with PARLEY_ORIGINS=\*/);
    });
  });

  describe('PORT', () => {
    for (const bad of ['abc', '-1', '65536', '80.5', 'Infinity']) {
      it(`refuses ${JSON.stringify(bad)}, naming PORT, --port and 0..65535`, () => {
        const message = refusal([`--port=${bad}`]);
        assert.match(message, /^invalid setting: PORT \/ --port: /);
        assert.ok(message.endsWith('(accepts a port number 0..65535)'), message);
      });
    }

    it('refuses a number written as an expression', () => {
      refusal([], { PORT: '1e3' });
      refusal([], { PORT: '0x50' });
    });
  });

  describe('PARLEY_RATE_LIMIT', () => {
    for (const bad of ['-1', '1.5', 'ten', 'Infinity']) {
      it(`refuses ${JSON.stringify(bad)}, naming the setting and "a whole number"`, () => {
        const message = refusal([], { PARLEY_RATE_LIMIT: bad });
        assert.match(message, /^invalid setting: PARLEY_RATE_LIMIT \/ --rate-limit: /);
        assert.ok(message.endsWith('(accepts a whole number, 0 turns the limit off)'), message);
      });
    }

    it('takes a negative flag value only as --rate-limit=-1, and still refuses it', () => {
      // `--rate-limit -1` reads -1 as an option: parseArgs refuses it as ambiguous.
      assert.match(refusal(['--rate-limit', '-1']), /--rate-limit/);
      assert.match(refusal(['--rate-limit=-1']), /^invalid setting: PARLEY_RATE_LIMIT/);
    });
  });

  describe('PARLEY_TRUSTED_PROXIES', () => {
    for (const bad of [
      'not-an-ip',
      '10.0.0.0/33',
      '10.0.0.0/',
      '2001:db8::/129',
      '10.0.0.1, nope',
    ]) {
      it(`refuses ${JSON.stringify(bad)}, naming the setting, the entry and what it accepts`, () => {
        const message = refusal([], { PARLEY_TRUSTED_PROXIES: bad });
        assert.match(message, /^invalid setting: PARLEY_TRUSTED_PROXIES \/ --trusted-proxies: /);
        assert.match(message, /is not an IP address or CIDR range/);
        assert.ok(
          message.endsWith('(accepts comma-separated IP addresses or CIDR ranges)'),
          message,
        );
      });
    }

    it('refuses shorthand IPv4 forms that read as another address', () => {
      refusal([], { PARLEY_TRUSTED_PROXIES: '10' });
      refusal([], { PARLEY_TRUSTED_PROXIES: '010.0.0.1' });
    });
  });

  it('reports every bad setting at once', () => {
    const message = refusal(['--port', 'abc'], {
      PARLEY_ORIGINS: 'ftp://x',
      PARLEY_RATE_LIMIT: '-1',
      PARLEY_TRUSTED_PROXIES: 'not-an-ip',
    });
    for (const name of ['PORT', 'PARLEY_ORIGINS', 'PARLEY_RATE_LIMIT', 'PARLEY_TRUSTED_PROXIES']) {
      assert.ok(message.includes(`${name} / --`), `${name} in ${message}`);
    }
  });

  describe('the command line itself', () => {
    it('answers help for --help and -h, before validating anything else', () => {
      assert.deepEqual(parseCommandLine(['--help'], {}), { kind: 'help' });
      assert.deepEqual(parseCommandLine(['-h'], {}), { kind: 'help' });
      assert.deepEqual(parseCommandLine(['--port', 'abc', '--help'], { PORT: 'x' }), {
        kind: 'help',
      });
    });

    it('answers version for --version, before validating the settings', () => {
      assert.deepEqual(parseCommandLine(['--version'], {}), { kind: 'version' });
      assert.deepEqual(parseCommandLine(['--port', 'abc', '--version'], {}), { kind: 'version' });
    });

    it('refuses an unknown flag, naming it plainly and pointing at --help', () => {
      assert.equal(
        refusal(['--prot', '8080']),
        'unknown option --prot. Run parley-server --help for the settings.',
      );
      assert.equal(
        refusal(['--prot=8080']),
        'unknown option --prot. Run parley-server --help for the settings.',
      );
      assert.equal(
        refusal(['-x']),
        'unknown option -x. Run parley-server --help for the settings.',
      );
    });

    it('refuses an unknown flag even beside --help', () => {
      assert.equal(
        refusal(['--help', '--bogus']),
        'unknown option --bogus. Run parley-server --help for the settings.',
      );
      assert.equal(
        refusal(['-hx']),
        'unknown option -x. Run parley-server --help for the settings.',
      );
    });

    it('refuses a flag without its value, naming it', () => {
      assert.match(refusal(['--port']), /'--port <value>' argument missing/);
    });

    it('refuses a boolean value given to --help', () => {
      assert.match(refusal(['--help=yes']), /--help/);
    });

    it('refuses any argument, saying serving takes none, only settings, and a command comes first, without repeating it', () => {
      const says = (word: number) =>
        `unexpected argument (word ${word} of the command line): serving takes no arguments, only settings, each value right after its flag, and a command comes first (parley-server COMMAND ...). Run parley-server --help for the settings.`;
      assert.equal(refusal(['serve-forever']), says(1));
      assert.equal(refusal(['--port', '8080', 'extra']), says(3));
      assert.equal(refusal(['--', '--port']), says(2));
      // A space after "=" leaves the value as an argument: a secret, never echoed.
      const typo = refusal(['--admin-token=', 'Xk9#mQ2vL8pR4tZ7wB']);
      assert.equal(typo, says(2));
      assert.doesNotMatch(typo, /Xk9/);
    });
  });
});

/** The `--help` entry of `flag`, its wrapped lines joined with single spaces. */
function helpEntry(flag: string): string {
  const entry = helpText(COMMANDS)
    .split('\n\n')
    .find((block) => block.startsWith(`  --${flag} `));
  assert.ok(entry, `--help has an entry for --${flag}`);
  return entry.replace(/\s+/g, ' ').trim();
}

describe('helpText', () => {
  const text = helpText(COMMANDS);
  /** The text as read, whatever the lines it is wrapped to. */
  const unwrapped = text.replace(/\s+/g, ' ');

  it('starts with the usage line', () => {
    assert.match(text, /^Usage: parley-server \[COMMAND\] \[OPTIONS\]\n/);
  });

  it('lists --help and -h', () => {
    assert.match(text, /--help, -h\s+show this help/i);
  });

  it('says that with no command it serves, taking only these options', () => {
    assert.match(unwrapped, /With no command, serves .* taking only the options below/);
  });

  it('lists every command on one line: its name and its summary', () => {
    const listed = text.split('Commands (')[1]!.split('\n\n')[0]!.split('\n').slice(1);
    assert.deepEqual(
      listed.map((line) => line.trim().split(/\s+/)[0]),
      COMMANDS.map((c) => c.name),
    );
    for (const [i, command] of COMMANDS.entries()) {
      assert.ok(listed[i]!.endsWith(` ${command.summary}`), command.name);
    }
  });

  it('lists every setting of the server command with its flag, what it accepts and its default', () => {
    for (const setting of SETTINGS) {
      const { env } = setting;
      assert.match(
        unwrapped,
        new RegExp(`--${setting.flag}\\s+${env}\\s+${escapeRegExp(setting.help)}`, 'i'),
      );
      assert.ok(
        unwrapped.includes(`Accepts ${setting.accepts}; default ${settingDefault(setting)}`),
        env,
      );
    }
  });

  it('gives the defaults design.md promises', () => {
    for (const expected of ['default 8787', 'default 127.0.0.1', 'default 10', 'default none']) {
      assert.ok(unwrapped.includes(expected), expected);
    }
  });

  it('states the rules the README table gives in each setting’s details, as plain text', () => {
    const rules: Array<[flag: string, rule: string]> = [
      [
        'moderation',
        'every new message waits for a moderator before readers see it. So does every edit.',
      ],
      ['max-links', 'New or edited.'],
      ['held-words', 'a file may hold # comments.'],
      ['verify-urls', 'must then carry thread.url, which the server fetches once (GET, 5 s'],
      ['public-url', 'That origin may write (/admin)'],
      ['public-url', 'set it behind a proxy or on 0.0.0.0.'],
      ['proof-of-work', 'An ALTCHA (https://altcha.org) v2 challenge'],
    ];
    for (const [flag, rule] of rules)
      assert.ok(helpEntry(flag).includes(rule), `--${flag}: ${rule}`);
    // Every setting's details, to their last words.
    for (const setting of SETTINGS) {
      if (!setting.details) continue;
      const end = setting.details.replaceAll('`', '').split(' ').slice(-4).join(' ');
      assert.ok(helpEntry(setting.flag).includes(end), `--${setting.flag}: ${end}`);
    }
    assert.doesNotMatch(text, /`|\]\(/, 'no markdown');
  });

  it('wraps its lines to 80 columns', () => {
    for (const line of text.split('\n')) assert.ok(line.length <= 80, line);
  });

  it('says flags win over environment variables', () => {
    assert.match(text, /flags win/);
  });

  it('lists exactly the flags the parser accepts', () => {
    const listed = [...text.matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]);
    assert.deepEqual(listed, ['help', 'version', ...SETTINGS.map((s) => s.flag)]);
    for (const setting of SETTINGS) {
      // A value may be refused, but never the flag itself.
      try {
        parseCommandLine([`--${setting.flag}=0`], {});
      } catch (error) {
        assert.doesNotMatch((error as Error).message, /Unknown option/, setting.flag);
      }
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('moderation settings', () => {
  it('defaults: no admin token, moderation none, 15-minute edits, no auto-close, no held words, threshold 3', () => {
    const config = serve([]);
    assert.equal(config.PARLEY_ADMIN_TOKEN, undefined);
    assert.equal(config.PARLEY_MODERATION, 'none');
    assert.equal(config.PARLEY_EDIT_WINDOW, 15);
    assert.equal(config.PARLEY_AUTO_CLOSE_DAYS, undefined);
    assert.deepEqual(config.PARLEY_HELD_WORDS, []);
    assert.equal(config.PARLEY_REPORT_THRESHOLD, 3);
  });

  it('reads each from its variable, and flags win', () => {
    const config = serve(['--moderation', 'all', '--report-threshold', '0'], {
      PARLEY_ADMIN_TOKEN: '  Xq8vN2kLp0Rz7TbW  ',
      PARLEY_MODERATION: 'none',
      PARLEY_EDIT_WINDOW: '0',
      PARLEY_AUTO_CLOSE_DAYS: '30',
      PARLEY_HELD_WORDS: 'casino, buy now ,',
      PARLEY_REPORT_THRESHOLD: '5',
    });
    assert.equal(config.PARLEY_ADMIN_TOKEN, 'Xq8vN2kLp0Rz7TbW');
    assert.equal(config.PARLEY_MODERATION, 'all');
    assert.equal(config.PARLEY_EDIT_WINDOW, 0);
    assert.equal(config.PARLEY_AUTO_CLOSE_DAYS, 30);
    assert.deepEqual(config.PARLEY_HELD_WORDS, ['casino', 'buy now']);
    assert.equal(config.PARLEY_REPORT_THRESHOLD, 0);
    assert.equal(
      serve(['--admin-token', 'Xq8vN2kLp0Rz7TbW']).PARLEY_ADMIN_TOKEN,
      'Xq8vN2kLp0Rz7TbW',
    );
  });

  it('refuses an admin token under 16 characters without echoing it', () => {
    const message = refusal([], { PARLEY_ADMIN_TOKEN: 'short-secret' });
    assert.match(message, /PARLEY_ADMIN_TOKEN \/ --admin-token: must be at least 16 characters/);
    assert.ok(!message.includes('short-secret'));
  });

  it('refuses an easily guessed admin token at start, saying why without echoing it', async () => {
    const cases: Array<[token: string, why: RegExp]> = [
      ['zzzzzzzzzzzzzzzzzzzz', /is one character repeated/],
      ['abcabcabcabcabcabc', /repeats a short pattern/],
      ['iloveyouiloveyou', /repeats a short pattern/],
      ['qwertyuiopasdfgh', /is too easy to guess/],
      ['1234567890123456', /is too easy to guess/],
      ['administrators12', /is too easy to guess/],
      ['Password12345678!', /is too easy to guess/],
    ];
    for (const [token, why] of cases) {
      const error = await checkAdminToken(token).then(
        () => assert.fail(`${token} is accepted`),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ConfigError, token);
      assert.match(error.message, /^invalid setting: PARLEY_ADMIN_TOKEN \/ --admin-token: /);
      assert.match(error.message, why, token);
      assert.match(error.message, /openssl rand/);
      assert.ok(!error.message.includes(token), 'the token is never repeated');
    }
  });

  it('accepts a random admin token, and none at all', async () => {
    for (const token of [
      undefined,
      'Xq8vN2kLp0Rz7TbW',
      'e2e-x8Gk2p9QmZr4Tb7Vw1Yc3L',
      ADMIN_TOKEN,
    ]) {
      await checkAdminToken(token);
    }
  });

  it('reads PARLEY_SECRET trimmed, and refuses one under 32 characters without echoing it', () => {
    const secret = 'Kd3mQ8xR2vLp0Zt7-Xq8vN2kLp0Rz7TbW';
    assert.equal(serve([], { PARLEY_SECRET: ` ${secret} ` }).PARLEY_SECRET, secret);
    assert.equal(serve([]).PARLEY_SECRET, undefined);
    const message = refusal([], { PARLEY_SECRET: 'a-secret-of-31-characters-long!' });
    assert.match(message, /PARLEY_SECRET \/ --secret: must be at least 32 characters/);
    assert.ok(!message.includes('a-secret-of-31'));
  });

  it('refuses a bad mode, window, auto-close or threshold, naming each', () => {
    const message = refusal([], {
      PARLEY_MODERATION: 'some',
      PARLEY_EDIT_WINDOW: '-1',
      PARLEY_AUTO_CLOSE_DAYS: '0',
      PARLEY_REPORT_THRESHOLD: '2.5',
    });
    assert.match(message, /PARLEY_MODERATION \/ --moderation: must be none or all/);
    assert.match(message, /PARLEY_EDIT_WINDOW \/ --edit-window/);
    assert.match(message, /PARLEY_AUTO_CLOSE_DAYS \/ --auto-close-days: must be at least 1 day/);
    assert.match(message, /PARLEY_REPORT_THRESHOLD \/ --report-threshold/);
  });

  it('refuses a held-words file that cannot be read, naming it', () => {
    const message = refusal([], { PARLEY_HELD_WORDS: '@/no/such/held-words.txt' });
    assert.match(
      message,
      /PARLEY_HELD_WORDS \/ --held-words: cannot read \/no\/such\/held-words\.txt: ENOENT/,
    );
  });

  it('lists every moderation setting in --help', () => {
    const help = helpText(COMMANDS);
    for (const flag of [
      'admin-token',
      'moderation',
      'edit-window',
      'auto-close-days',
      'held-words',
      'report-threshold',
      'max-links',
      'proof-of-work',
    ]) {
      assert.match(help, new RegExp(`--${flag}\\s+PARLEY_`));
    }
  });
});

describe('PARLEY_MAX_STREAMS', () => {
  it('is unset by default: the server derives it from the open-file limit', () => {
    assert.equal(serve([], {}).PARLEY_MAX_STREAMS, undefined);
  });

  it('reads a whole number from its variable, and the flag wins', () => {
    assert.equal(serve([], { PARLEY_MAX_STREAMS: '500' }).PARLEY_MAX_STREAMS, 500);
    assert.equal(
      serve(['--max-streams', '40'], { PARLEY_MAX_STREAMS: '500' }).PARLEY_MAX_STREAMS,
      40,
    );
  });

  it('refuses 0, fractions and words, naming the setting', () => {
    for (const value of ['0', '2.5', 'many', '-3']) {
      assert.throws(
        () => parseCommandLine([], { PARLEY_MAX_STREAMS: value }),
        (error: Error) =>
          error instanceof ConfigError && /PARLEY_MAX_STREAMS \/ --max-streams/.test(error.message),
        value,
      );
    }
  });
});
