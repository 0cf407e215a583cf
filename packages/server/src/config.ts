import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { TrustedProxies } from './http/client-address.ts';
import { normalizeOrigin } from './http/origin-policy.ts';

/**
 * Every server setting: its environment variable, its flag, what it accepts
 * and its default. `--help` prints this table; flags win over the environment.
 */
export const SETTINGS = [
  {
    env: 'PORT',
    flag: 'port',
    accepts: 'a port number 0..65535',
    fallback: '8787',
    help: 'TCP port to listen on',
  },
  {
    env: 'HOST',
    flag: 'host',
    accepts: 'a host name or IP address',
    fallback: '127.0.0.1',
    help: 'address to listen on (0.0.0.0 for every interface)',
  },
  {
    env: 'DATABASE_URL',
    flag: 'database-url',
    accepts: 'postgres://..., postgresql://..., sqlite:PATH or a file path',
    fallback: './data/parley.db',
    help: 'where messages are stored; SQLite unless it is a PostgreSQL URL',
  },
  {
    env: 'PARLEY_PUBLIC_URL',
    flag: 'public-url',
    accepts: 'an absolute http(s) URL such as https://comments.example.com',
    fallback: 'the address it listens on (http://HOST:PORT)',
    help: "the server's public base URL: its origin is the server's own (the Host header never is)",
  },
  {
    env: 'PARLEY_ORIGINS',
    flag: 'origins',
    accepts: 'comma-separated origins such as https://blog.example.com, or *',
    fallback: "the server's own origin",
    help: 'sites allowed to embed the thread and post to it',
  },
  {
    env: 'PARLEY_VERIFY_URLS',
    flag: 'verify-urls',
    accepts: 'on or off',
    fallback: 'on (always off when PARLEY_ORIGINS is *)',
    help: "on: a new thread's url is fetched once and must answer 200 (off with PARLEY_ORIGINS=*: arbitrary hosts are never fetched)",
  },
  {
    env: 'PARLEY_TRUSTED_PROXIES',
    flag: 'trusted-proxies',
    accepts: 'comma-separated IP addresses or CIDR ranges',
    fallback: 'none',
    help: 'proxies whose X-Forwarded-For header is believed',
  },
  {
    env: 'PARLEY_RATE_LIMIT',
    flag: 'rate-limit',
    accepts: 'a whole number, 0 turns the limit off',
    fallback: '10',
    help: 'posts, and separately edits, per minute per client',
  },
  {
    env: 'PARLEY_ADMIN_TOKEN',
    flag: 'admin-token',
    accepts:
      'a random secret of at least 16 characters, not words or a pattern (e.g. openssl rand -base64 24)',
    fallback: 'unset: the admin API and owner posts are off',
    help: "the site owner's token for /admin and the admin API (prefer the variable: flags show in ps)",
  },
  {
    env: 'PARLEY_SECRET',
    flag: 'secret',
    accepts: `a random secret of at least 32 characters (e.g. openssl rand -base64 32)`,
    fallback:
      'SQLite: a key file beside the database, created on first start; PostgreSQL: required',
    help: "keys the hashes of readers' addresses; never stored in the database (prefer the variable: flags show in ps)",
  },
  {
    env: 'PARLEY_MODERATION',
    flag: 'moderation',
    accepts: 'none or all',
    fallback: 'none',
    help: 'all: every new message waits for a moderator before readers see it',
  },
  {
    env: 'PARLEY_EDIT_WINDOW',
    flag: 'edit-window',
    accepts: 'a whole number of minutes, 0 turns editing off',
    fallback: '15',
    help: 'how long after posting an author may edit a message',
  },
  {
    env: 'PARLEY_AUTO_CLOSE_DAYS',
    flag: 'auto-close-days',
    accepts: 'a whole number of days, at least 1',
    fallback: 'unset: threads stay open',
    help: 'close a thread to new messages after this many days without activity',
  },
  {
    env: 'PARLEY_HELD_WORDS',
    flag: 'held-words',
    accepts: 'comma-separated words or phrases, or @/path/to/file with one per line',
    fallback: 'none',
    help: "messages whose body, author name or new thread's title contains one wait for a moderator",
  },
  {
    env: 'PARLEY_REPORT_THRESHOLD',
    flag: 'report-threshold',
    accepts: 'a whole number, 0 never hides',
    fallback: '3',
    help: "readers' reports that hide a message until a moderator decides",
  },
  {
    env: 'PARLEY_MAX_STREAMS',
    flag: 'max-streams',
    accepts: 'a whole number, at least 1',
    fallback: 'the open-file limit less max(256, a quarter of it)',
    help: 'live streams open at once on this instance, all readers together',
  },
  {
    env: 'PARLEY_MAX_LINKS',
    flag: 'max-links',
    accepts: 'a whole number, 0 holds any link',
    fallback: '3',
    help: 'messages with more links than this wait for a moderator',
  },
  {
    env: 'PARLEY_PROOF_OF_WORK',
    flag: 'proof-of-work',
    accepts: 'off or on',
    fallback: 'off',
    help: "on: every reader's post carries a solved ALTCHA challenge from GET /api/challenge",
  },
  {
    env: 'PARLEY_WIDGET_DIR',
    flag: 'widget-dir',
    accepts: 'a folder path',
    fallback: "the widget package's dist folder",
    help: 'where the built widget.js is served from',
  },
] as const;

type SettingName = (typeof SETTINGS)[number]['env'];

/** Shortest admin token accepted: long enough that guessing it is hopeless. */
export const MIN_ADMIN_TOKEN = 16;

/** Shortest server secret accepted: 32 characters of base64 carry 192 bits. */
export const MIN_SECRET = 32;

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** A whole number written plainly in decimal: no `1e3`, `0x50`, `80.0` or blank. */
const wholeNumber = z
  .string()
  .regex(/^\s*\d+\s*$/, 'must be a whole number written in decimal digits')
  .transform(Number);

const schema = z.object({
  PORT: wholeNumber.pipe(z.number().max(65535, 'must be at most 65535')).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().optional(),
  PARLEY_PUBLIC_URL: z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not an absolute URL` });
        return z.NEVER;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not an http(s) URL` });
        return z.NEVER;
      }
      return url.href;
    }),
  PARLEY_ORIGINS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return [] as string[];
      if (value.trim() === '*') return '*' as const;
      const origins: string[] = [];
      for (const entry of list(value)) {
        const origin = normalizeOrigin(entry);
        if (!origin) {
          ctx.addIssue({ code: 'custom', message: `"${entry}" is not an http(s) origin` });
          return z.NEVER;
        }
        origins.push(origin);
      }
      return origins;
    }),
  PARLEY_VERIFY_URLS: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  PARLEY_TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        return new TrustedProxies(list(value ?? ''));
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  PARLEY_RATE_LIMIT: wholeNumber.default(10),
  PARLEY_WIDGET_DIR: z.string().optional(),
  PARLEY_ADMIN_TOKEN: z
    .string()
    .trim()
    // Never echo the value in the message: it is a secret.
    .min(MIN_ADMIN_TOKEN, `must be at least ${MIN_ADMIN_TOKEN} characters long`)
    .optional(),
  PARLEY_SECRET: z
    .string()
    .trim()
    // Never echo the value in the message: it is a secret.
    .min(MIN_SECRET, `must be at least ${MIN_SECRET} characters long`)
    .optional(),
  PARLEY_MODERATION: z.enum(['none', 'all'], { error: 'must be none or all' }).default('none'),
  PARLEY_EDIT_WINDOW: wholeNumber.default(15),
  PARLEY_AUTO_CLOSE_DAYS: wholeNumber
    .pipe(z.number().min(1, 'must be at least 1 day; leave it unset to keep threads open'))
    .optional(),
  PARLEY_HELD_WORDS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return [] as string[];
      if (!value.trim().startsWith('@')) return list(value);
      const path = value.trim().slice(1);
      try {
        return parseHeldWordsFile(readFileSync(path, 'utf8'));
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        });
        return z.NEVER;
      }
    }),
  PARLEY_REPORT_THRESHOLD: wholeNumber.default(3),
  PARLEY_MAX_STREAMS: wholeNumber
    .pipe(z.number().min(1, 'must be at least 1; leave it unset for the default'))
    .optional(),
  PARLEY_MAX_LINKS: wholeNumber.default(3),
  PARLEY_PROOF_OF_WORK: z.enum(['off', 'on'], { error: 'must be off or on' }).default('off'),
});

/**
 * A held-words file: one word or phrase per line; blank lines and lines
 * starting with `#` are ignored.
 */
export function parseHeldWordsFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Validated server settings. */
export type ServerConfig = z.output<typeof schema>;

/** A setting that failed validation: the message names the setting and the accepted form. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** What the command line asked for. */
export type Command = { kind: 'serve'; config: ServerConfig } | { kind: 'help' };

/**
 * Reads the command line and the environment. Flags win over environment
 * variables; every value is validated, and a bad one is a {@link ConfigError}
 * that says which setting and what it accepts.
 */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): Command {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: 'string' as const }])),
      },
    });
  } catch (error) {
    throw new ConfigError(
      `${(error as Error).message}. Run parley-server --help for the settings.`,
    );
  }
  if (parsed.values.help) return { kind: 'help' };
  if (parsed.positionals.length > 0) {
    throw new ConfigError(
      `unknown command "${parsed.positionals[0]}". Run parley-server --help for the commands.`,
    );
  }
  const raw: Partial<Record<SettingName, string>> = {};
  for (const setting of SETTINGS) {
    // An empty (or blank) value means unset, as shells make it easy to pass
    // one: an empty flag falls back to the environment, an empty variable to
    // the default, and a blank number never reads as 0 (PARLEY_RATE_LIMIT=0 is "off").
    const given = (value: string | undefined) =>
      value !== undefined && value.trim() !== '' ? value : undefined;
    const value =
      given(parsed.values[setting.flag] as string | undefined) ?? given(env[setting.env]);
    if (value !== undefined) raw[setting.env] = value;
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const messages = result.error.issues.map((issue) => {
      const name = String(issue.path[0]) as SettingName;
      const setting = SETTINGS.find((s) => s.env === name);
      const accepts = setting ? ` (accepts ${setting.accepts})` : '';
      return `${name} / --${setting?.flag ?? name}: ${issue.message}${accepts}`;
    });
    throw new ConfigError(`invalid setting: ${messages.join('; ')}`);
  }
  return { kind: 'serve', config: result.data };
}

/**
 * Refuses an admin token that is easy to guess (see `adminTokenWeakness`),
 * with a {@link ConfigError} that says why and never repeats the token. Kept
 * out of {@link parseCommandLine}: its dictionaries load once, at start, and
 * only when a token is set.
 */
export async function checkAdminToken(token: string | undefined): Promise<void> {
  if (token === undefined) return;
  const { adminTokenWeakness } = await import('./moderation/admin-token.ts');
  const weakness = await adminTokenWeakness(token);
  if (weakness === undefined) return;
  const setting = SETTINGS.find((s) => s.env === 'PARLEY_ADMIN_TOKEN')!;
  throw new ConfigError(
    `invalid setting: PARLEY_ADMIN_TOKEN / --${setting.flag}: ${weakness} (accepts ${setting.accepts})`,
  );
}

/** The `--help` text. */
export function helpText(): string {
  const rows = SETTINGS.map(
    (s) =>
      `  --${s.flag.padEnd(18)} ${s.env.padEnd(24)} ${s.help}\n  ${''.padEnd(45)} accepts ${s.accepts}; default ${s.fallback}`,
  );
  return [
    'Usage: parley-server [options]',
    '',
    'Serves the Parley comments API, the widget script and its database.',
    'Every option can also be set as an environment variable; flags win.',
    '',
    '  --help, -h                                    show this help',
    ...rows,
    '',
  ].join('\n');
}
