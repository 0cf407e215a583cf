/**
 * `parley-server backup FILE`: an online, consistent copy of the SQLite
 * database while the server keeps writing to it. SQLite's online backup API
 * (better-sqlite3's `backup()`) copies the pages in steps and includes what is
 * committed in the WAL; the copy goes to `FILE.partial` and becomes FILE only
 * once `PRAGMA integrity_check` says `ok` and its migrations are this
 * version's or an older version's (the database is copied as it is, never
 * migrated: see `prepareSchema`). PostgreSQL has `pg_dump`, which does this properly; the command
 * prints the exact call instead of pretending to be it.
 */
import { closeSync, statSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import type { Progress } from '../data/import/records.ts';
import { MIGRATION_NAMES } from '../db/migrate.ts';
import { parseDatabaseUrl } from '../db/store.ts';
import { type Command, UsageError } from './command.ts';
import { createPartial, discard, newFile, partialOf, publish } from './files.ts';
import { bytes, duration, things } from './format.ts';

/**
 * Pages copied per step (4 MiB of 4 KiB pages): small enough that the
 * progress line moves and that the step, which blocks the event loop, is
 * short; large enough that a big database is not a million steps.
 */
const PAGES_PER_STEP = 1024;

/** better-sqlite3's largest step: every page that remains, in one step. */
const ALL_PAGES = 0x7fffffff;

/** What the copy holds, as the summary states it. */
export interface BackupResult {
  /** The copy's size in bytes. */
  size: number;
  threads: number;
  messages: number;
  /** The copy's migrations: this version's count, or fewer for a database at an older version. */
  migrations: number;
  /** How often a write by another connection made SQLite start the copy over. */
  restarts: number;
}

/** How {@link backupSqlite} reports and paces its work. */
export interface BackupOptions {
  progress: Progress;
  /** Aborted: the copy stops between two steps, and nothing is left. */
  signal?: AbortSignal | undefined;
  /** Pages per step ({@link PAGES_PER_STEP} by default); tests make it small to take many steps. */
  pagesPerStep?: number;
}

/**
 * Copies the SQLite database at `source` to `path` (which must not exist:
 * see `newFile`), through `path.partial`, and checks the copy. On any
 * failure nothing is left at either path.
 *
 * SQLite starts a step-wise backup over when another connection writes
 * between two steps. A server that writes all the time could make it start
 * over forever; after the first restart the rest is copied in one step
 * instead, which in WAL mode blocks no writer (it is one read transaction).
 */
export async function backupSqlite(
  source: string,
  path: string,
  options: BackupOptions,
): Promise<BackupResult> {
  const { progress, signal, pagesPerStep = PAGES_PER_STEP } = options;
  const partial = partialOf(path);
  let restarts = 0;
  // SQLite opens the backup's destination following symlinks, and it is not
  // an exclusive create: make the partial here, exclusively, before the try
  // whose failure would remove what is there.
  closeSync(createPartial(path));
  try {
    const db = new SQLite(source, { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      let copied = 0;
      await db.backup(partial, {
        progress({ totalPages, remainingPages }) {
          // Throwing here makes better-sqlite3 end the backup and reject.
          signal?.throwIfAborted();
          const now = totalPages - remainingPages;
          // Every step moves on unless SQLite started over (and copied only
          // the first step's pages again).
          if (copied > 0 && now <= copied) restarts++;
          copied = now;
          progress.update('pages', now, totalPages);
          return restarts > 0 ? ALL_PAGES : pagesPerStep;
        },
      });
    } finally {
      db.close();
    }
    progress.done();
    const counts = checkCopy(partial);
    publish(path);
    return { size: statSync(path).size, ...counts, restarts };
  } catch (error) {
    progress.done();
    discard(path);
    throw error;
  }
}

/**
 * Opens the copy and checks that it is sound and complete: SQLite's
 * integrity check passes and its migrations are this version's, or the
 * first of them (a database an older version's server runs on). The
 * copy is turned out of WAL mode first, so the backup is one self-contained
 * file that never grows a `-wal` beside it on its own.
 */
function checkCopy(partial: string): { threads: number; messages: number; migrations: number } {
  const copy = new SQLite(partial, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const problems = copy.pragma('integrity_check') as { integrity_check: string }[];
    if (problems.length !== 1 || problems[0]?.integrity_check !== 'ok') {
      const shown = problems.slice(0, 5).map((p) => p.integrity_check);
      throw new Error(`the copy fails its integrity check: ${shown.join('; ')}`);
    }
    const names = (
      copy.prepare('select name from kysely_migration order by name').all() as { name: string }[]
    ).map((row) => row.name);
    const known = MIGRATION_NAMES.slice(0, names.length);
    if (names.length === 0 || names.join('\n') !== known.join('\n')) {
      throw new Error(
        `the copy's migrations (${names.length}) are neither this version's (${MIGRATION_NAMES.length}) nor an older version's`,
      );
    }
    const rows = (table: 'threads' | 'messages') =>
      (copy.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    return { threads: rows('threads'), messages: rows('messages'), migrations: names.length };
  } finally {
    copy.close();
  }
}

/** `value` as one shell word: as it is when that is safe, else single-quoted. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The schema a PostgreSQL URL's `options` parameter puts first on the
 * search path (`-c search_path=parley` or `--search_path=parley`), where
 * Parley's tables are; undefined when it sets none.
 */
function searchPathSchema(options: string | null): string | undefined {
  const match = options?.match(/(?:^|\s)(?:-c\s*|--)search_path=(\S+)/);
  const first = match?.[1]?.split(',')[0]?.replace(/^"(.*)"$/, '$1');
  return first || undefined;
}

/**
 * The connection options of `pg_dump` and `pg_restore` for the database
 * `url` names: its host, port, user and database, and the schema its search
 * path names; never its password.
 */
function pgConnection(url: string): { connect: string[]; schema: string[]; database: string[] } {
  const parsed = new URL(url);
  const host = parsed.searchParams.get('host') ?? parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const connect: string[] = [];
  if (host) connect.push(`--host=${shellWord(decodeURIComponent(host))}`);
  if (parsed.port) connect.push(`--port=${parsed.port}`);
  if (parsed.username) connect.push(`--username=${shellWord(decodeURIComponent(parsed.username))}`);
  const schema = searchPathSchema(parsed.searchParams.get('options'));
  const database = decodeURIComponent(parsed.pathname.slice(1));
  return {
    connect,
    schema: schema ? [`--schema=${shellWord(schema)}`] : [],
    database: database ? [`--dbname=${shellWord(database)}`] : [],
  };
}

/** The `pg_dump` command that backs up the database `url` names to `file` (see {@link pgConnection}). */
function pgDumpCommand(url: string, file: string): string {
  const { connect, schema, database } = pgConnection(url);
  return [
    'pg_dump',
    '--format=custom',
    `--file=${shellWord(file)}`,
    ...connect,
    ...schema,
    ...database,
  ].join(' ');
}

/** The `pg_restore` command that loads `file` into the database `url` names, once it is empty. */
function pgRestoreCommand(url: string, file: string): string {
  const { connect, database } = pgConnection(url);
  return ['pg_restore', ...connect, ...database, shellWord(file)].join(' ');
}

/** `parley-server backup FILE`. */
export const backupCommand: Command = {
  name: 'backup',
  summary: 'copy the SQLite database to FILE while it serves',
  description:
    "Copies the SQLite database to FILE while the server keeps running and writing: a consistent copy of everything committed, WAL included, made with SQLite's online backup API into FILE.partial, checked (PRAGMA integrity_check and its migrations) and only then renamed to FILE. A database an older version's server runs on is copied as it is, not migrated, and the summary says so. FILE must not exist and its folder must. To restore: stop the server, copy FILE over the database, remove any -wal and -shm files beside it, start the server. On PostgreSQL, pg_dump is the tool: the command prints the pg_dump call for the configured database and exits 1 without copying anything.",
  arguments: [{ name: 'FILE' }],
  options: [],
  acceptsOlderSchema: true,
  async run({ args, databaseUrl, io, withStore, progress }) {
    const [file] = args as [string];
    const path = newFile(file);
    const target = parseDatabaseUrl(databaseUrl);
    if (target.dialect === 'postgres') {
      io.stderr.write(
        [
          'parley-server backup: no backup was made: on PostgreSQL, pg_dump is the tool. Run:',
          '',
          `  ${pgDumpCommand(target.url, file)}`,
          '',
          'with the password in PGPASSWORD or ~/.pgpass (it is not printed here).',
          'To restore, stop the servers and, into an empty database (or after dropping',
          "Parley's schema), run:",
          '',
          `  ${pgRestoreCommand(target.url, file)}`,
          '',
        ].join('\n'),
      );
      return 1;
    }
    if (target.path === ':memory:') {
      throw new UsageError('an in-memory database (sqlite::memory:) has nothing to back up');
    }
    const started = Date.now();
    const result = await withStore((store) =>
      backupSqlite(store.location, path, { progress: progress(), signal: io.signal }),
    );
    const older =
      result.migrations < MIGRATION_NAMES.length
        ? ` The copy is of the database's older schema (${result.migrations} of this version's ${MIGRATION_NAMES.length} migrations): this version's server migrates it when it starts on it.`
        : '';
    io.stdout.write(
      `Backed up ${things(result.threads, 'thread')} and ${things(result.messages, 'message')} to ${path} (${bytes(result.size)}) in ${duration(Date.now() - started)}.${older}\n`,
    );
    return 0;
  },
};
