/**
 * `parley-server import`, `import-disqus` and `import-wordpress`: one file
 * read by its reader into the loader (`data/import/load.ts`), which checks
 * the whole file before it writes anything and matches what the database
 * already holds, so running the same command twice changes nothing. The
 * three differ only in their reader and in `--origin`, which the two foreign
 * formats take.
 */
import { statSync } from 'node:fs';
import { readDisqus } from '../data/import/disqus.ts';
import type { LegacyImportOptions, LegacyReader } from '../data/import/legacy-rules.ts';
import { describeImport, ImportInterrupted, importInto } from '../data/import/load.ts';
import { readParleyExport } from '../data/import/parley-export.ts';
import type { ImportReader } from '../data/import/records.ts';
import { readWordPress } from '../data/import/wordpress.ts';
import { type Command, type CommandOption, type OptionValue, UsageError } from './command.ts';
import { duration } from './format.ts';

const DRY_RUN: CommandOption = {
  flag: 'dry-run',
  help: 'Read and check the file and say what the import would create, writing nothing.',
};

const ORIGIN: CommandOption = {
  flag: 'origin',
  value: 'URL',
  multiple: true,
  help: "Import only the threads whose link is on this origin (the blog's old address, e.g. https://old.example); give it again for more. Threads elsewhere (a localhost copy, a staging site) are left out and counted. Without it every thread is imported and keyed by its link's path.",
};

/** What a command's reader is made of: the file and (foreign formats) the origins kept. */
type ReaderOf = (file: string, origins: string[] | undefined) => ImportReader | LegacyReader;

/** An import command: the shared run around one reader. */
function importCommandOf(spec: {
  name: string;
  summary: string;
  description: string;
  origins: boolean;
  reader: ReaderOf;
}): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    description: spec.description,
    arguments: [{ name: 'FILE' }],
    options: spec.origins ? [ORIGIN, DRY_RUN] : [DRY_RUN],
    createsDatabase: true,
    async run({ args, options, io, withStore, progress }) {
      const file = readableFile(args[0]!);
      const origins = listOf(options.origin);
      let reader: ImportReader | LegacyReader;
      try {
        reader = spec.reader(file, origins);
      } catch (error) {
        // A bad --origin, refused before anything is read.
        throw new UsageError((error as Error).message);
      }
      const started = Date.now();
      const dryRun = options['dry-run'] === true;
      let wrote = false;
      return withStore(
        async (store) => {
          const line = progress();
          let summary: Awaited<ReturnType<typeof importInto>>;
          try {
            summary = await importInto(store, reader, {
              dryRun,
              progress: line,
              signal: io.signal,
            });
            wrote = !dryRun;
          } catch (error) {
            if (!(error instanceof ImportInterrupted)) throw error;
            wrote = error.written > 0;
            io.stderr.write(`parley-server ${spec.name}: ${error.message}\n`);
            return 1;
          } finally {
            line.done();
          }
          io.stdout.write(`${describeImport(summary)}\n`);
          if ('origins' in reader) {
            for (const note of [mixedOrigins(reader, origins), sharedKeys(reader)]) {
              if (note) io.stdout.write(`${note}\n`);
            }
          }
          io.stdout.write(`Took ${duration(Date.now() - started)}.\n`);
          return 0;
        },
        { keepCreated: () => wrote },
      );
    },
  };
}

/** `parley-server import FILE`: a Parley export back in. */
export const importCommand = importCommandOf({
  name: 'import',
  summary: 'read a Parley export back in (merging, never twice)',
  description:
    'Reads a Parley export (docs/export-format.md, from parley-server export or /admin) into this database, empty or not. Threads are matched by key and messages by their sourceId: what is already here is left as it is, so importing the same file again changes nothing. New messages get new ids with their nesting and order kept, their HTML is rendered again by this server, and counts are rebuilt. The whole file is read and checked before anything is written: a bad file writes nothing. The server may keep running meanwhile; readers see the imported messages when they next load the page.',
  origins: false,
  reader: (file) => readParleyExport(file),
});

/** `parley-server import-disqus FILE`: a Disqus XML export. */
export const importDisqusCommand = importCommandOf({
  name: 'import-disqus',
  summary: "read a Disqus export's comments in",
  description:
    "Reads a Disqus XML export (Disqus admin, Community, Export) into this database. Each thread is keyed by the path of its link (the key the widget gives that page today), with its title, and closed if it was closed. Comments keep their nesting and dates; spam and deleted comments, deleted threads and comments whose thread is missing are left out and counted (a reply to a left-out comment moves up to its nearest kept ancestor). The HTML of each comment becomes markdown through this server's sanitizer, so hostile markup is inert. Authors' emails and IP addresses are never stored. Importing the same file again changes nothing.",
  origins: true,
  reader: (file, origins) => readDisqus(file, { origins } satisfies LegacyImportOptions),
});

/** `parley-server import-wordpress FILE`: a WordPress WXR export. */
export const importWordPressCommand = importCommandOf({
  name: 'import-wordpress',
  summary: "read a WordPress export's approved comments in",
  description:
    "Reads a WordPress export (WXR: Tools, Export, All content) into this database: the approved comments of published posts and pages, keyed by the path of each post's link, nested by their parent, closed where comments were closed. Pending, spam and trashed comments, pingbacks and trackbacks are left out and counted. Each comment's HTML becomes markdown through this server's sanitizer, so hostile markup is inert. Authors' emails and IP addresses are never stored. Importing the same file again changes nothing.",
  origins: true,
  reader: (file, origins) => readWordPress(file, { origins } satisfies LegacyImportOptions),
});

/** FILE, when it names a readable file; a usage error (exit 2) otherwise. */
function readableFile(file: string): string {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? `no file ${file}` : `cannot read ${file} (${code ?? 'unknown error'})`,
    );
  }
  if (!isFile) throw new UsageError(`${file} is not a file`);
  return file;
}

/** A `multiple` option's values (undefined when it was not given). */
function listOf(value: OptionValue): string[] | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  return typeof value === 'string' ? [value] : [...value];
}

/**
 * A warning when the file's threads were on more than one site and no
 * `--origin` chose: threads with the same path were merged into one key.
 */
function mixedOrigins(reader: LegacyReader, origins: string[] | undefined): string | undefined {
  if (origins !== undefined || reader.origins.size < 2) return undefined;
  const sites = [...reader.origins].sort((a, b) => b[1] - a[1]);
  const listed = sites.map(([origin, n]) => `${origin} (${n} thread${n === 1 ? '' : 's'})`);
  return `Note: the file's threads are on ${sites.length} sites: ${listed.join(', ')}. Threads with the same path on different sites are merged into one. To take only your blog's, import into an empty database with --origin ${sites[0]![0]} (try it with --dry-run first).`;
}

/**
 * A warning when links of different pages were keyed alike (WordPress's
 * plain `?p=123` permalinks all have the path `/`, and the widget keys a page
 * by its path): their comments are now one thread.
 */
function sharedKeys(reader: LegacyReader): string | undefined {
  if (reader.sharedKeys.size === 0) return undefined;
  const keys = [...reader.sharedKeys].sort((a, b) => b[1] - a[1]);
  const listed = keys
    .slice(0, 3)
    .map(([key, links]) => `${key} (${links} links)`)
    .join(', ');
  const more = keys.length > 3 ? ` and ${keys.length - 3} more` : '';
  return `Note: different links share a thread key (the widget keys a page by its path), so their comments are one thread: ${listed}${more}. Links that differ only in tracking parameters (?utm_source=...) are one page, and that is right. Different pages that differ only in their query (WordPress's plain ?p=123 permalinks) cannot be told apart: give the site path permalinks (WordPress: Settings, Permalinks), export again and import into an empty database.`;
}
