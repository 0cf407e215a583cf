/**
 * What a `parley-server` command is: one declarative entry (its name, its
 * help, its arguments and options, and `run`), so that the command line, the
 * help texts and the refusals all come from the same few fields and a new
 * command is one more entry in `COMMANDS` (commands.ts).
 */
import type { Writable } from 'node:stream';
import type { Progress } from '../data/import/records.ts';
import type { Store } from '../db/store.ts';

/** An option of one command (besides `--database-url` and `--help`, which every command takes). */
export interface CommandOption {
  /** The flag, without its leading `--`. */
  flag: string;
  /** Its one-letter form, without the `-`. */
  short?: string;
  /** The placeholder of its value in the help (`KEY`); absent for a switch that takes none. */
  value?: string;
  /** It may be given more than once; `run` gets its values as an array. */
  multiple?: boolean;
  /** What it does: one sentence for the command's `--help`. */
  help: string;
}

/** A positional argument of one command. */
export interface CommandArgument {
  /** Its placeholder in the usage line (`FILE`). */
  name: string;
  /** Whether it may be left out (shown as `[FILE]`). */
  optional?: boolean;
}

/** Where a command writes: the process's streams, or a test's. */
export interface CommandIo {
  /** Data (`export` without FILE) and summaries. */
  stdout: Writable;
  /** Refusals, failures, the progress line, and summaries when stdout carries data. */
  stderr: Writable & { isTTY?: boolean; columns?: number };
  /** Aborted when the operator interrupts (SIGINT, SIGTERM): the command stops and cleans up. */
  signal?: AbortSignal;
}

/** An option as given on the command line (undefined when it was not). */
export type OptionValue = string | readonly string[] | boolean | undefined;

/** How a command uses a SQLite file that is not there yet. */
export interface StoreOptions {
  /**
   * Whether a database the command had to create stays once the work is
   * done (asked then; default yes). A dry run, or an import stopped before it
   * wrote anything, says no: nothing is left behind.
   */
  keepCreated?: () => boolean;
}

/** What `run` is given: the parsed command line and the means to do its work. */
export interface CommandContext {
  /** The positional arguments, in the order the command's `arguments` declare them. */
  args: readonly string[];
  /**
   * The command's own options by flag: a string for one with a value, an
   * array for a `multiple` one, `true` for a given switch.
   */
  options: Readonly<Record<string, OptionValue>>;
  /** `--database-url` or `DATABASE_URL`, validated as serving validates it; undefined: the default. */
  databaseUrl: string | undefined;
  io: CommandIo;
  /**
   * Opens the store, migrates it when it is fresh (see `prepareSchema`: one
   * at an older or a newer version is refused, unless the command
   * `acceptsOlderSchema`), runs `work` and always closes the store.
   */
  withStore<T>(work: (store: Store) => Promise<T>, options?: StoreOptions): Promise<T>;
  /** A progress line on stderr (see `terminalProgress`), its lines labelled with the command's name. */
  progress(): Progress;
}

/** One `parley-server` command. */
export interface Command {
  /** The word that names it: `parley-server NAME`. */
  name: string;
  /** One line for `parley-server --help`'s list (at most 64 characters). */
  summary: string;
  /** One paragraph for `parley-server NAME --help`. */
  description: string;
  arguments: readonly CommandArgument[];
  options: readonly CommandOption[];
  /**
   * It works on a database at an older version as it is (`backup` copies
   * it); the others refuse one, since migrating it would change the schema
   * under the older server running on it.
   */
  acceptsOlderSchema?: boolean;
  /**
   * It may create the database (an import into a new one). Otherwise a
   * SQLite file that is not there is refused (exit 2): a typo, or a job run
   * from another folder than the default `./data/parley.db` is relative to,
   * must not back up or export a new, empty database and say it succeeded.
   * A database the command created is removed when the command fails.
   */
  createsDatabase?: boolean;
  /**
   * Does the work and resolves with the exit code: 0 done, 1 the work failed.
   * A {@link UsageError} thrown is exit 2, any other error exit 1, each
   * reported on stderr as `parley-server NAME: message`.
   */
  run(context: CommandContext): Promise<number>;
}

/** The command line cannot be run as given (exit 2): a bad argument, or a FILE that exists. */
export class UsageError extends Error {
  override name = 'UsageError';
}
