/**
 * The `parley-server` commands and how a command line reaches one: the
 * table, the parsing every command shares (`--database-url`, `--help`, its
 * own options and arguments), the refusals (exit 2) and each command's help.
 *
 * Adding a command is one entry in {@link COMMANDS}: a {@link Command} in a
 * file of its own in this folder.
 */

import { existsSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, SETTINGS, settingsFrom } from '../config.ts';
import { DEFAULT_SQLITE_PATH, openStore, parseDatabaseUrl } from '../db/store.ts';
import { HELP_WIDTH, helpEntry, settingHelp, wrap } from '../settings-docs.ts';
import { backupCommand } from './backup.ts';
import { type Command, type CommandIo, type OptionValue, UsageError } from './command.ts';
import { exportCommand } from './export-command.ts';
import { importCommand, importDisqusCommand, importWordPressCommand } from './import-commands.ts';
import { terminalProgress } from './progress.ts';
import { prepareSchema } from './schema-version.ts';

/** Every command, in the order `parley-server --help` lists them. */
export const COMMANDS: readonly Command[] = [
  backupCommand,
  exportCommand,
  importCommand,
  importDisqusCommand,
  importWordPressCommand,
];

/** The one setting the data commands take: where the database is. */
const DATABASE_SETTING = SETTINGS.find((s) => s.env === 'DATABASE_URL')!;

/** The options every command takes besides its own, as `parseArgs` wants them. */
const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  [DATABASE_SETTING.flag]: { type: 'string' },
} as const;

/** `parley-server export [--thread KEY] [FILE]`: the command's own options, then its arguments. */
function usage(command: Command): string {
  const options = command.options.map(
    (o) => `[--${o.flag}${o.value ? ` ${o.value}` : ''}${o.multiple ? ' ...' : ''}]`,
  );
  const args = command.arguments.map((a) => (a.optional ? `[${a.name}]` : a.name));
  return ['parley-server', command.name, ...options, ...args].join(' ');
}

/** `parley-server NAME --help`: usage, description, then every option it takes. */
export function commandHelp(command: Command): string {
  return [
    `Usage: ${usage(command)}`,
    '',
    ...wrap(command.description, HELP_WIDTH),
    '',
    'Options:',
    '',
    ...command.options.map((o) =>
      helpEntry(
        `  --${o.flag}${o.value ? ` ${o.value}` : ''}${o.short ? `, -${o.short}` : ''}`,
        o.help,
      ),
    ),
    settingHelp(DATABASE_SETTING),
    helpEntry('  --help, -h', 'Show this help.'),
  ].join('\n');
}

/** What a command's command line asked for. */
interface Parsed {
  help: boolean;
  args: string[];
  options: Record<string, OptionValue>;
  databaseUrl: string | undefined;
}

/**
 * Reads a command's words after its name. A bad one is a
 * {@link UsageError}; an argument is never repeated in it (after a typo such
 * as `--database-url= URL` it may carry a password).
 */
function parseCommandArgs(command: Command, words: string[], env: NodeJS.ProcessEnv): Parsed {
  const options = {
    ...COMMON_OPTIONS,
    ...Object.fromEntries(
      command.options.map((o) => [
        o.flag,
        {
          type: o.value ? ('string' as const) : ('boolean' as const),
          ...(o.short ? { short: o.short } : {}),
          ...(o.multiple ? { multiple: true } : {}),
        },
      ]),
    ),
  };
  const seeHelp = `Run parley-server ${command.name} --help for its options.`;
  const { tokens } = parseArgs({
    args: words,
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== 'option' || Object.hasOwn(options, token.name)) continue;
    const setting = SETTINGS.find((s) => s.flag === token.name);
    if (setting) {
      throw new UsageError(
        `${token.rawName} is a setting for serving; parley-server ${command.name} takes only --${DATABASE_SETTING.flag} and its own options (other settings in the environment are ignored). ${seeHelp}`,
      );
    }
    throw new UsageError(`unknown option ${token.rawName}. ${seeHelp}`);
  }
  const strictly = () =>
    parseArgs({ args: words, options, strict: true, allowPositionals: true, tokens: true });
  let parsed: ReturnType<typeof strictly>;
  try {
    parsed = strictly();
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. ${seeHelp}`);
  }
  const values = parsed.values as Record<string, OptionValue>;
  const help = values.help === true;
  const positionals = parsed.tokens.filter((t) => t.kind === 'positional');
  const required = command.arguments.filter((a) => !a.optional).length;
  if (!help && positionals.length < required) {
    const missing = command.arguments.slice(positionals.length).map((a) => a.name);
    throw new UsageError(
      `missing ${missing.join(' ')}: the usage is ${usage(command)}. ${seeHelp}`,
    );
  }
  const extra = positionals[command.arguments.length];
  if (!help && extra) {
    throw new UsageError(
      `unexpected argument (word ${extra.index + 2} of the command line): the usage is ${usage(command)}. ${seeHelp}`,
    );
  }
  let databaseUrl: string | undefined;
  try {
    databaseUrl = settingsFrom(
      { [DATABASE_SETTING.flag]: values[DATABASE_SETTING.flag] as string | undefined },
      // Only its own variable: the others are serving's, and ignored here.
      { [DATABASE_SETTING.env]: env[DATABASE_SETTING.env] },
    ).DATABASE_URL;
  } catch (error) {
    if (error instanceof ConfigError && !help) throw new UsageError(error.message);
    if (!(error instanceof ConfigError)) throw error;
  }
  const own = Object.fromEntries(command.options.map((o) => [o.flag, values[o.flag]]));
  return { help, args: positionals.map((t) => t.value), options: own, databaseUrl };
}

/**
 * Runs the command line `argv`, whose first word names a command, and
 * resolves with the exit code: 0 done, 1 the work failed, 2 bad usage (an
 * unknown command, a bad option or argument, a FILE that exists).
 */
export async function runCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CommandIo,
): Promise<number> {
  const [name = '', ...words] = argv;
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(
      `parley-server: unknown command ${JSON.stringify(name)}. Run parley-server --help for the commands.\n`,
    );
    return 2;
  }
  const fail = (message: string, code: number) => {
    io.stderr.write(`parley-server ${command.name}: ${message}\n`);
    return code;
  };
  let parsed: Parsed;
  try {
    parsed = parseCommandArgs(command, words, env);
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message, 2);
    throw error;
  }
  if (parsed.help) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  try {
    return await command.run({
      args: parsed.args,
      options: parsed.options,
      databaseUrl: parsed.databaseUrl,
      io,
      progress: () => terminalProgress(command.name, io.stderr),
      async withStore(work, options = {}) {
        const target = parseDatabaseUrl(parsed.databaseUrl);
        const created = target.dialect === 'sqlite' && !existsSync(target.path);
        if (created && !command.createsDatabase) {
          throw new UsageError(
            `no database at ${target.path}: give its path with --${DATABASE_SETTING.flag} or DATABASE_URL (the default, ${target.path === DEFAULT_SQLITE_PATH ? 'this one' : DEFAULT_SQLITE_PATH}, is relative to the folder parley-server runs in)`,
          );
        }
        // The folders openStore will make for it, to take away with it.
        const folders = created ? missingFolders(target.path) : [];
        const store = await openStore(parsed.databaseUrl);
        let keep = false;
        try {
          await prepareSchema(store.db, command.acceptsOlderSchema === true);
          const result = await work(store);
          keep = options.keepCreated?.() ?? true;
          return result;
        } finally {
          await store.close();
          // A database this command made and did not fill goes again.
          if (created && !keep && target.dialect === 'sqlite') removeDatabase(target.path, folders);
        }
      },
    });
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message, 2);
    if (io.signal?.aborted) return fail('interrupted; nothing was written', 1);
    return fail((error as Error).message, 1);
  }
}

/** The folders above `path` that do not exist yet, innermost first. */
function missingFolders(path: string): string[] {
  const missing: string[] = [];
  for (let folder = dirname(resolve(path)); !existsSync(folder); folder = dirname(folder)) {
    missing.push(folder);
  }
  return missing;
}

/** A SQLite database file, the journal files beside it, and the folders made for it if empty. */
function removeDatabase(path: string, folders: readonly string[]): void {
  for (const suffix of ['', '-wal', '-shm', '-journal'])
    rmSync(`${path}${suffix}`, { force: true });
  try {
    // Innermost first; a folder something else wrote into meanwhile stays.
    for (const folder of folders) rmdirSync(folder);
  } catch {}
}
