import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_SQLITE_PATH } from './db/store.ts';
import { TrustedProxies } from './http/client-address.ts';
import { normalizeOrigin } from './http/origin-policy.ts';

/**
 * One server setting: where it is read from, how it is parsed and what it
 * defaults to. `--help` and the README's settings table are rendered from
 * these rows (`settings-docs.ts`), so what they say is what the parser does.
 */
interface Setting<Env extends string, Schema extends z.ZodType> {
  /** The environment variable, also the setting's key in {@link ServerConfig}. */
  env: Env;
  /** The command-line flag, without its leading `--`. */
  flag: string;
  /**
   * Parses the raw text. A schema with a zod `.default()` declares the
   * default that `--help` and the README show; one without says what
   * happens unset in {@link Setting.unset}.
   */
  schema: Schema;
  /** What values it accepts, quoted in refusals and in the docs. */
  accepts: string;
  /** What it does: one line of plain text for `--help` and the README. */
  help: string;
  /**
   * What happens when it is unset, for a setting without a single default
   * value (derived from other settings or the machine, or simply off). The
   * code that derives such a default cites this row.
   */
  unset?: string;
  /** More for the README's table only (markdown). */
  details?: string;
}

const setting = <const Env extends string, Schema extends z.ZodType>(
  row: Setting<Env, Schema>,
): Setting<Env, Schema> => row;

/** Shortest admin token accepted: long enough that guessing it is hopeless. */
const MIN_ADMIN_TOKEN = 16;

/** Shortest server secret accepted: 32 characters of base64 carry 192 bits. */
export const MIN_SECRET = 32;

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * An optional absolute http(s) URL (webhooks, the summary endpoint). The value
 * is never repeated in the error: such a URL may carry a token of the receiver's.
 */
const httpUrl = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return undefined;
    const url = URL.parse(value);
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      ctx.addIssue({ code: 'custom', message: 'is not an absolute http(s) URL' });
      return z.NEVER;
    }
    return url.href;
  });

/** `whsec_` and the base64 of at least 24 bytes: a Standard Webhooks signing secret. */
function isWebhookSecret(value: string): boolean {
  const base64 = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(value)?.[1];
  return base64 !== undefined && Buffer.from(base64, 'base64').length >= 24;
}

/** An address, or `Name <address>`, as a From header takes it. */
const mailbox = z
  .string()
  .trim()
  .refine(
    (value) => {
      const address = /^[^<>]*<([^<>]+)>$/.exec(value)?.[1] ?? value;
      return z.email().safeParse(address).success;
    },
    { error: 'must be an address or Name <address>' },
  );

/** A whole number written plainly in decimal: no `1e3`, `0x50`, `80.0` or blank. */
const wholeNumber = z
  .string()
  .regex(/^\s*\d+\s*$/, 'must be a whole number written in decimal digits')
  .transform(Number);

/**
 * Every server setting, in the order `--help` and the README list them.
 * Flags win over the environment.
 */
export const SETTINGS = [
  setting({
    env: 'PORT',
    flag: 'port',
    schema: wholeNumber.pipe(z.number().max(65535, 'must be at most 65535')).default(8787),
    accepts: 'a port number 0..65535',
    help: 'TCP port to listen on',
  }),
  setting({
    env: 'HOST',
    flag: 'host',
    schema: z.string().min(1).default('127.0.0.1'),
    accepts: 'a host name or IP address',
    help: 'address to listen on (0.0.0.0 for every interface)',
  }),
  setting({
    env: 'DATABASE_URL',
    flag: 'database-url',
    // A URL of another scheme (a typo such as postgress://, or mysql://) is
    // refused, not taken for a file path: that would serve from a new, empty
    // SQLite file named after the URL, credentials and all. The refusal names
    // the scheme only, never the URL.
    schema: z
      .string()
      .refine(
        (value) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^postgres(ql)?:\/\//i.test(value),
        {
          error: (issue) =>
            `uses the scheme ${String(issue.input).split(':')[0]}:, which is neither PostgreSQL nor SQLite`,
        },
      )
      .optional(),
    accepts: 'postgres://..., postgresql://..., sqlite:PATH or a file path',
    unset: DEFAULT_SQLITE_PATH,
    help: 'where messages are stored; SQLite unless it is a PostgreSQL URL',
    details: "A SQLite file's folder is created when missing.",
  }),
  setting({
    env: 'PARLEY_PUBLIC_URL',
    flag: 'public-url',
    schema: z
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
    accepts: 'an absolute http(s) URL such as https://comments.example.com',
    unset: 'the address it listens on (http://HOST:PORT)',
    help: "the server's public base URL: its origin is the server's own (the Host header never is)",
    details:
      'That origin may write (`/admin`) and, when this is set, hold threads (the listen address never does): set it behind a proxy or on `0.0.0.0`.',
  }),
  setting({
    env: 'PARLEY_ORIGINS',
    flag: 'origins',
    schema: z
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
    accepts: 'comma-separated origins such as https://blog.example.com, or *',
    unset: "the server's own origin",
    help: "sites allowed to embed Parley's elements and post to threads",
    details:
      'Every page that shows an element needs its origin here, also one that only reads (a post list with counts on `www.` beside posts on `blog.`): the browser refuses the answers to any other (CORS). `*` allows any.',
  }),
  setting({
    env: 'PARLEY_VERIFY_URLS',
    flag: 'verify-urls',
    schema: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
    accepts: 'on or off',
    help: "on: a new thread's url is fetched once and must answer 200 (off with PARLEY_ORIGINS=*: arbitrary hosts are never fetched)",
    details:
      'A post that creates a thread must then carry `thread.url`, which the server fetches once (GET, 5 s, same-origin redirects only, 2 MiB).',
  }),
  setting({
    env: 'PARLEY_TRUSTED_PROXIES',
    flag: 'trusted-proxies',
    schema: z
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
    accepts: 'comma-separated IP addresses or CIDR ranges',
    unset: 'none',
    help: 'proxies whose X-Forwarded-For header is believed',
    details: 'The client is the rightmost untrusted hop.',
  }),
  setting({
    env: 'PARLEY_RATE_LIMIT',
    flag: 'rate-limit',
    schema: wholeNumber.default(10),
    accepts: 'a whole number, 0 turns the limit off',
    help: 'posts, and separately edits, per minute per client',
    details: 'Failed new-thread URL checks are counted apart too, at the same rate.',
  }),
  setting({
    env: 'PARLEY_ADMIN_TOKEN',
    flag: 'admin-token',
    schema: z
      .string()
      .trim()
      // Never echo the value in the message: it is a secret.
      .min(MIN_ADMIN_TOKEN, `must be at least ${MIN_ADMIN_TOKEN} characters long`)
      .optional(),
    accepts:
      'a random secret of at least 16 characters, not words or a pattern (e.g. openssl rand -base64 24)',
    unset: 'unset: the admin API and owner posts are off',
    help: "the site owner's token for /admin and the admin API (prefer the variable: flags show in ps)",
    details:
      "It signs in at `/admin` and makes posts the owner's. Easy guesses are refused: a repeated character or short pattern, dictionary words, common passwords.",
  }),
  setting({
    env: 'PARLEY_SECRET',
    flag: 'secret',
    schema: z
      .string()
      .trim()
      // Never echo the value in the message: it is a secret.
      .min(MIN_SECRET, `must be at least ${MIN_SECRET} characters long`)
      .optional(),
    accepts: 'a random secret of at least 32 characters (e.g. openssl rand -base64 32)',
    unset: 'SQLite: a key file beside the database, created on first start; PostgreSQL: required',
    help: "keys the hashes of readers' addresses; never stored in the database (prefer the variable: flags show in ps)",
    details:
      'Never logged either. Unset on SQLite, the server creates `<database>.key` (mode 0600) beside the database on first start and reads it after; every instance on one PostgreSQL database must be given the same one, and the server refuses to start without it.',
  }),
  setting({
    env: 'PARLEY_MODERATION',
    flag: 'moderation',
    schema: z.enum(['none', 'all'], { error: 'must be none or all' }).default('none'),
    accepts: 'none or all',
    help: 'all: every new message waits for a moderator before readers see it',
    details: 'So does every edit.',
  }),
  setting({
    env: 'PARLEY_EDIT_WINDOW',
    flag: 'edit-window',
    schema: wholeNumber.default(15),
    accepts: 'a whole number of minutes, 0 turns editing off',
    help: 'how long after posting an author may edit a message',
  }),
  setting({
    env: 'PARLEY_AUTO_CLOSE_DAYS',
    flag: 'auto-close-days',
    schema: wholeNumber
      .pipe(z.number().min(1, 'must be at least 1 day; leave it unset to keep threads open'))
      .optional(),
    accepts: 'a whole number of days, at least 1',
    unset: 'unset: threads stay open',
    help: 'close a thread to new messages after this many days without activity',
  }),
  setting({
    env: 'PARLEY_HELD_WORDS',
    flag: 'held-words',
    schema: z
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
    accepts: 'comma-separated words or phrases, or @/path/to/file with one per line',
    unset: 'none',
    help: "messages whose body, author name or new thread's title contains one wait for a moderator",
    details: 'Whole words, any case; a file may hold `#` comments.',
  }),
  setting({
    env: 'PARLEY_REPORT_THRESHOLD',
    flag: 'report-threshold',
    schema: wholeNumber.default(3),
    accepts: 'a whole number, 0 never hides',
    help: "readers' reports that hide a message until a moderator decides",
  }),
  setting({
    env: 'PARLEY_MAX_STREAMS',
    flag: 'max-streams',
    schema: wholeNumber
      .pipe(z.number().min(1, 'must be at least 1; leave it unset for the default'))
      .optional(),
    accepts: 'a whole number, at least 1',
    // Derived by `defaultMaxStreams` (events/stream-limits.ts).
    unset: 'the open-file limit less max(256, a quarter of it)',
    help: 'live streams open at once on this instance, all readers together',
    details:
      'Each holds a socket: the default leaves a quarter of the soft open-file limit (from `/proc/self/limits`, else 1,024), at least 256 files, to the rest: 768 streams with 1,024 files, 49,152 with 65,536.',
  }),
  setting({
    env: 'PARLEY_MAX_LINKS',
    flag: 'max-links',
    schema: wholeNumber.default(3),
    accepts: 'a whole number, 0 holds any link',
    help: 'messages with more links than this wait for a moderator',
    details: 'New or edited.',
  }),
  setting({
    env: 'PARLEY_PROOF_OF_WORK',
    flag: 'proof-of-work',
    schema: z.enum(['off', 'on'], { error: 'must be off or on' }).default('off'),
    accepts: 'off or on',
    help: "on: every reader's post carries a solved ALTCHA challenge from GET /api/challenge",
    details:
      'An [ALTCHA](https://altcha.org) v2 challenge, which the widget solves in a worker while the reader types.',
  }),
  setting({
    env: 'PARLEY_WEBHOOK_URL',
    flag: 'webhook-url',
    schema: httpUrl,
    accepts: 'an absolute http(s) URL',
    unset: 'no webhooks',
    help: 'where events are POSTed, signed as Standard Webhooks (needs PARLEY_WEBHOOK_SECRET)',
    details:
      'Events `message.created`, `message.pending`, `message.reported` and `thread.closed`, retried for over a day.',
  }),
  setting({
    env: 'PARLEY_WEBHOOK_SECRET',
    flag: 'webhook-secret',
    schema: z
      .string()
      .trim()
      .optional()
      .refine((value) => value === undefined || isWebhookSecret(value), {
        // Never the value: it is a secret.
        error: 'must be whsec_ followed by the base64 of at least 24 random bytes',
      }),
    accepts: 'whsec_ and base64, e.g. whsec_$(openssl rand -base64 32)',
    unset: 'none (required with PARLEY_WEBHOOK_URL)',
    help: "the webhooks' signing secret; receivers verify with it (prefer the variable: flags show in ps)",
  }),
  setting({
    env: 'PARLEY_SMTP_URL',
    flag: 'smtp-url',
    schema: z
      .string()
      .trim()
      .optional()
      .refine((value) => value === undefined || /^smtps?:\/\/[^/?#]+/i.test(value), {
        // Never the value: it carries the mail account's password.
        error: 'must be an smtp:// or smtps:// URL',
      }),
    accepts: 'smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465',
    unset: 'no mail',
    help: "the mail server the owner's and readers' notifications go through; its password too (prefer the variable: flags show in ps)",
  }),
  setting({
    env: 'PARLEY_MAIL_FROM',
    flag: 'mail-from',
    schema: mailbox.optional(),
    accepts: 'an address, or Name <address>',
    unset: 'none (required with PARLEY_SMTP_URL)',
    help: 'the From of every mail',
  }),
  setting({
    env: 'PARLEY_OWNER_EMAIL',
    flag: 'owner-email',
    schema: z.string().trim().pipe(z.email('must be an email address')).optional(),
    accepts: 'an email address',
    unset: 'the owner gets no mail',
    help: 'where the owner hears of new, held and reported messages',
  }),
  setting({
    env: 'PARLEY_OWNER_MAIL',
    flag: 'owner-mail',
    schema: z
      .enum(['each', 'digest', 'off'], { error: 'must be each, digest or off' })
      .default('each'),
    accepts: 'each, digest or off',
    help: 'each: a mail per message; digest: one an hour with all of them; off: none',
  }),
  setting({
    env: 'PARLEY_SUMMARY_URL',
    flag: 'summary-url',
    schema: httpUrl,
    accepts: 'an absolute http(s) URL',
    unset: "the server's own extractive summary",
    help: 'an OpenAI-compatible chat-completions endpoint that writes automatic summaries (needs PARLEY_SUMMARY_MODEL)',
    details:
      'The endpoint itself (`…/v1/chat/completions`) or its base (`…/v1`). Only published text is sent; on a timeout or any error the extractive summary stands.',
  }),
  setting({
    env: 'PARLEY_SUMMARY_MODEL',
    flag: 'summary-model',
    schema: z.string().trim().min(1, 'must not be empty').max(200, 'is too long').optional(),
    accepts: 'a model name the endpoint knows',
    unset: 'none (required with PARLEY_SUMMARY_URL)',
    help: 'the model PARLEY_SUMMARY_URL is asked for',
  }),
  setting({
    env: 'PARLEY_SUMMARY_KEY',
    flag: 'summary-key',
    schema: z.string().trim().min(1, 'must not be empty').optional(),
    accepts: 'the API key, sent as Authorization: Bearer',
    unset: 'no Authorization header (a local endpoint)',
    help: 'the key for PARLEY_SUMMARY_URL (prefer the variable: flags show in ps)',
  }),
  setting({
    env: 'PARLEY_WIDGET_DIR',
    flag: 'widget-dir',
    schema: z.string().optional(),
    accepts: 'a folder path',
    // Derived in main.ts (`defaultWidgetDir`).
    unset:
      'in the installed package, the widget packed into it (its widget/ folder); in a clone, packages/widget/dist',
    help: 'where the built widget.js is served from',
    details: 'Its `widget/` chunks and `/admin.js` too.',
  }),
] as const;

type AnySetting = (typeof SETTINGS)[number];
type SettingName = AnySetting['env'];

const schema = z
  .object(
    Object.fromEntries(SETTINGS.map((s) => [s.env, s.schema])) as {
      [S in AnySetting as S['env']]: S['schema'];
    },
  )
  .superRefine((config, ctx) => {
    // Settings that only work together: refused at start, not found out at the first event.
    const needs = (name: SettingName, what: string) =>
      ctx.addIssue({ code: 'custom', path: [name], message: what });
    if (config.PARLEY_SUMMARY_URL && !config.PARLEY_SUMMARY_MODEL) {
      needs('PARLEY_SUMMARY_MODEL', 'is required with PARLEY_SUMMARY_URL');
    }
    if ((config.PARLEY_SUMMARY_MODEL || config.PARLEY_SUMMARY_KEY) && !config.PARLEY_SUMMARY_URL) {
      needs(
        'PARLEY_SUMMARY_URL',
        `is required with ${config.PARLEY_SUMMARY_MODEL ? 'PARLEY_SUMMARY_MODEL' : 'PARLEY_SUMMARY_KEY'}`,
      );
    }
    if (config.PARLEY_WEBHOOK_URL && !config.PARLEY_WEBHOOK_SECRET) {
      needs('PARLEY_WEBHOOK_SECRET', 'is required with PARLEY_WEBHOOK_URL');
    }
    if (config.PARLEY_WEBHOOK_SECRET && !config.PARLEY_WEBHOOK_URL) {
      needs('PARLEY_WEBHOOK_URL', 'is required with PARLEY_WEBHOOK_SECRET');
    }
    if (config.PARLEY_SMTP_URL && !config.PARLEY_MAIL_FROM) {
      needs('PARLEY_MAIL_FROM', 'is required with PARLEY_SMTP_URL');
    }
    if ((config.PARLEY_MAIL_FROM || config.PARLEY_OWNER_EMAIL) && !config.PARLEY_SMTP_URL) {
      needs(
        'PARLEY_SMTP_URL',
        'is required to send mail (PARLEY_MAIL_FROM or PARLEY_OWNER_EMAIL is set)',
      );
    }
  });

/**
 * What a setting is when unset, as `--help` and the README say it: the
 * default its schema declares, or its {@link Setting.unset} text.
 */
export function settingDefault(row: AnySetting): string {
  if (row.schema instanceof z.ZodDefault) return String(row.schema.def.defaultValue);
  if (row.unset !== undefined) return row.unset;
  throw new Error(`${row.env} has neither a default nor an unset text`);
}

/**
 * A held-words file: one word or phrase per line; blank lines and lines
 * starting with `#` are ignored.
 */
function parseHeldWordsFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Validated server settings. */
export type ServerConfig = z.output<typeof schema>;

/**
 * The settings as they are with nothing given: the defaults `createApp`
 * falls back to where a test's config leaves a setting out.
 */
export const DEFAULT_SERVER_CONFIG: ServerConfig = schema.parse({});

/** A setting that failed validation: the message names the setting and the accepted form. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** What the command line asked for. */
export type Command =
  | { kind: 'serve'; config: ServerConfig }
  | { kind: 'help' }
  | { kind: 'version' };

/**
 * Reads the command line for serving and the environment (main.ts hands a
 * command line that starts with a command's name to `cli/commands.ts`).
 * Flags win over environment variables; every value is validated, and a bad
 * one is a {@link ConfigError} that says which setting and what it accepts.
 */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): Command {
  const args = [...argv];
  const options = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
    ...Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: 'string' as const }])),
  } as const;
  const seeHelp = 'Run parley-server --help for the settings.';
  // Named plainly, even beside --help: node's own refusal of an unknown option
  // suggests passing it as an argument after `--`, and serving takes none.
  const unknown = parseArgs({
    args,
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  }).tokens.find((token) => token.kind === 'option' && !Object.hasOwn(options, token.name));
  if (unknown?.kind === 'option')
    throw new ConfigError(`unknown option ${unknown.rawName}. ${seeHelp}`);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}. ${seeHelp}`);
  }
  if (parsed.values.help) return { kind: 'help' };
  if (parsed.values.version) return { kind: 'version' };
  if (parsed.positionals.length > 0) {
    throw new ConfigError(
      // The word itself is not repeated: after a typo such as `--admin-token= SECRET`
      // it is a secret, and this line may end up in a log.
      `unexpected argument (word ${args.indexOf(parsed.positionals[0]!) + 1} of the command line): serving takes no arguments, only settings, each value right after its flag, and a command comes first (parley-server COMMAND ...). ${seeHelp}`,
    );
  }
  const flags = Object.fromEntries(
    SETTINGS.map((s) => [s.flag, parsed.values[s.flag] as string | undefined]),
  );
  return { kind: 'serve', config: settingsFrom(flags, env) };
}

/**
 * Validates the settings given as flags (by flag name, without `--`) and
 * environment variables, flags winning: the one path every setting takes,
 * for serving and for the data commands' `--database-url` alike. A bad value
 * is a {@link ConfigError} naming the setting, its flag and what it accepts;
 * every bad value at once.
 */
export function settingsFrom(
  flags: Readonly<Record<string, string | undefined>>,
  env: NodeJS.ProcessEnv,
): ServerConfig {
  const raw: Partial<Record<SettingName, string>> = {};
  for (const setting of SETTINGS) {
    // An empty (or blank) value means unset, as shells make it easy to pass
    // one: an empty flag falls back to the environment, an empty variable to
    // the default, and a blank number never reads as 0 (PARLEY_RATE_LIMIT=0 is "off").
    const given = (value: string | undefined) =>
      value !== undefined && value.trim() !== '' ? value : undefined;
    const value = given(flags[setting.flag]) ?? given(env[setting.env]);
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
  return result.data;
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
