/**
 * The reader of Parley's own export (`docs/export-format.md`), for
 * `parley-server import FILE`: the same format back.
 *
 * It streams: stream-json turns the file into tokens, and each row of the
 * three arrays is assembled, checked against the rules the server holds the
 * same fields to through its API (`http/fields.ts`: a bad row is refused,
 * naming array, index and field, before anything is written) and handed to
 * the sink on its own, so a file of a million messages is never one array in
 * memory. The
 * export's ids are this file's business only: rows are named by their
 * `sourceId` (or, in an export taken before that field existed,
 * `parley-file:<exportedAt>:<id>`, stable for the same file), and
 * `parentId` and reports' `messageId` are turned into those names through a
 * lookup kept in a temporary SQLite file, not in memory.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import SQLite from 'better-sqlite3';
import parserStream from 'stream-json';
import Assembler from 'stream-json/assembler.js';
import type { Token } from 'stream-json/parser.js';
import { z } from 'zod';
import {
  bodyText,
  httpUrl,
  isStoredTime,
  lineText,
  plainMultilineText,
  threadKey,
} from '../../http/fields.ts';
import { MAX_AUTHOR, MAX_REASON, MAX_TITLE } from '../../messages/messages.schemas.ts';
import { MAX_SUMMARY } from '../../moderation/moderation.schemas.ts';
import { ImportError, type ImportReader, type ImportSink } from './records.ts';

/** The one version this server reads. */
const READS_VERSION = 1;

// Every field is held to the rule the server applies when the same text
// arrives through the API, so an import stores nothing posting could not
// (no NUL that PostgreSQL refuses half way, no `javascript:` link, no name
// that reads backwards) and both databases take the file alike.

const time = z
  .string({ error: 'must be a string' })
  .refine(
    isStoredTime,
    'must be a time in ISO 8601 UTC with milliseconds (2026-12-01T10:00:00.000Z), year 0001 to 9999',
  );
const id = z.number().int().positive();

const threadRow = z.object({
  key: threadKey,
  title: lineText(MAX_TITLE).nullable(),
  summary: lineText(MAX_SUMMARY).nullable(),
  summarySource: z.enum(['manual', 'automatic']).nullable().optional(),
  url: httpUrl.nullable(),
  status: z.enum(['open', 'closed']),
  public: z.boolean().optional(),
  createdAt: time,
  updatedAt: time.optional(),
  lastActivityAt: time.optional(),
});

/**
 * A source id as another server or an importer made it: at most 500
 * characters, no control characters or lone surrogates (PostgreSQL cannot
 * store a NUL; SQLite would, and the two would disagree).
 */
const sourceId = z
  .string()
  .regex(/^[^\p{Cc}\p{Cs}]{1,500}$/u, 'must be 1 to 500 characters without control characters');

const messageRow = z.object({
  id,
  sourceId: sourceId.optional(),
  threadKey,
  parentId: id.nullable(),
  /** The parent's `sourceId`, read only when `parentId` names no message of the file. */
  parentSourceId: sourceId.optional(),
  kind: z.enum(['opening', 'reply']),
  status: z.enum(['published', 'pending', 'hidden', 'spam', 'deleted']),
  hiddenReason: z.enum(['moderator', 'reports']).nullable(),
  // Checked below: a deleted placeholder's are empty, every other's follow the rules.
  author: z.object({ name: z.string(), role: z.literal('owner').nullable() }),
  body: z.string(),
  highlighted: z.boolean(),
  createdAt: time,
  editedAt: time.nullable(),
  updatedAt: time.nullable().optional(),
});

const authorName = lineText(MAX_AUTHOR);

const reportRow = z.object({
  messageId: id,
  reason: plainMultilineText(MAX_REASON, { allowEmpty: true }).nullable(),
  createdAt: time,
  decidedAt: time.nullable(),
});

/** The arrays of the document, in the order a reader needs them (a thread before its messages). */
type ArrayName = 'threads' | 'messages' | 'reports';
const ARRAYS: readonly ArrayName[] = ['threads', 'messages', 'reports'];

/**
 * Reads the Parley export at `path` into a sink. Rejects with an
 * `ImportError` naming the file and the problem: not a Parley export, a
 * newer version, a row with a bad field (`messages[3].status: ...`), a
 * parent or reported message that is not in the file, or JSON that is
 * truncated or damaged (with the last row read before it).
 */
export function readParleyExport(path: string): ImportReader {
  const read = async (sink: ImportSink) => {
    const ids = new IdLookup();
    try {
      await readDocument(path, sink, ids);
    } catch (error) {
      if (error instanceof ImportError) throw new ImportError(`${path}: ${error.message}`);
      throw error;
    } finally {
      ids.close();
    }
  };
  // An export lists messages by id, parents first: written in that order,
  // its messages keep it, and the round trip holds even where ids and times
  // disagree (a site that imported older comments after its own).
  return Object.assign(read, { order: 'file' as const });
}

/** Export ids to source ids, in a temporary SQLite file (a million rows stay on disk). */
class IdLookup {
  readonly #db = new SQLite('');
  readonly #insert;
  readonly #get;

  constructor() {
    this.#db.pragma('journal_mode = OFF');
    this.#db.pragma('synchronous = OFF');
    this.#db.exec('create table ids (id integer primary key, source_id text not null)');
    this.#insert = this.#db.prepare('insert or ignore into ids (id, source_id) values (?, ?)');
    this.#get = this.#db.prepare('select source_id from ids where id = ?').pluck();
  }

  /** Remembers `id`; false when the file already had a message with it. */
  add(id: number, sourceId: string): boolean {
    return this.#insert.run(id, sourceId).changes === 1;
  }

  /** The source id of the message the file calls `id`, if it had one before. */
  sourceIdOf(id: number): string | undefined {
    return this.#get.get(id) as string | undefined;
  }

  close(): void {
    this.#db.close();
  }
}

/** What the document's header says, as far as it has been read. */
interface Header {
  format?: unknown;
  version?: unknown;
  exportedAt?: unknown;
}

async function readDocument(path: string, sink: ImportSink, ids: IdLookup): Promise<void> {
  const size = await stat(path).then(
    (s) => s.size,
    (error: NodeJS.ErrnoException) => {
      throw new ImportError(`cannot read the file (${error.code ?? error.message})`);
    },
  );
  if (size === 0) throw new ImportError('the file is empty');
  if (await startsLikeXml(path)) {
    throw new ImportError(
      'the file is XML, not a Parley export (JSON): read a Disqus export with `parley-server import-disqus FILE`, a WordPress export (WXR) with `parley-server import-wordpress FILE`',
    );
  }
  const file = createReadStream(path);
  const tokens = parserStream({ packValues: true, streamValues: false });
  file.on('error', (error) => tokens.destroy(error));
  file.pipe(tokens);

  const header: Header = {};
  const seen = new Set<ArrayName>();
  let exportedAt = '';
  /** Nesting depth outside a row: 1 inside the document object, 2 inside one of its arrays. */
  let depth = 0;
  let key: string | undefined;
  let array: ArrayName | undefined;
  /** Depth of a value being skipped (an unknown field), 0 when none. */
  let skipping = 0;
  let row: Assembler | undefined;
  let index = -1;
  let where = 'the start';
  let ended = false;

  try {
    for await (const token of tokens as AsyncIterable<Token>) {
      if (ended) throw new ImportError('not a Parley export: more follows the document');
      if (row) {
        row.consume(token);
        if (!row.done) continue;
        const value: unknown = row.current;
        row = undefined;
        where = `${array}[${index}]`;
        await handleRow(array!, index, value, sink, ids, exportedAt);
        continue;
      }
      if (skipping > 0) {
        if (token.name === 'startObject' || token.name === 'startArray') skipping++;
        else if (token.name === 'endObject' || token.name === 'endArray') skipping--;
        continue;
      }
      if (depth === 0) {
        if (token.name !== 'startObject') throw new ImportError('not a Parley export');
        depth = 1;
        continue;
      }
      if (depth === 1) {
        if (token.name === 'endObject') {
          const missing = ARRAYS.find((name) => !seen.has(name));
          if (missing) {
            checkHeader(header);
            throw new ImportError(`the export has no "${missing}"`);
          }
          ended = true;
          depth = 0;
          continue;
        }
        if (token.name === 'keyValue') {
          key = String(token.value);
          continue;
        }
        const arrayName = ARRAYS.find((name) => name === key);
        if (arrayName) {
          exportedAt = checkHeader(header);
          if (token.name !== 'startArray') throw new ImportError(`"${arrayName}" is not an array`);
          array = arrayName;
          seen.add(arrayName);
          index = -1;
          depth = 2;
        } else if (token.name === 'startObject' || token.name === 'startArray') {
          skipping = 1;
        } else if (key === 'format' || key === 'version' || key === 'exportedAt') {
          header[key] = primitive(token);
        }
        continue;
      }
      // depth 2: the elements of an array.
      if (token.name === 'endArray') {
        depth = 1;
        array = undefined;
        continue;
      }
      index++;
      if (token.name !== 'startObject')
        throw new ImportError(`${array}[${index}] is not an object`);
      row = new Assembler();
      row.consume(token);
    }
  } catch (error) {
    if (error instanceof ImportError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && (error as NodeJS.ErrnoException).syscall) {
      throw new ImportError(`cannot read the file (${code})`);
    }
    // The parser drops the tokens of the chunk it failed in, so the loop may
    // not have met the document's end yet: where the damage is, is found again.
    if (ended || (await followsTheDocument(path))) {
      throw new ImportError(
        `not valid JSON after the end of the document: ${(error as Error).message}`,
      );
    }
    throw new ImportError(
      `not valid JSON (truncated or damaged) after ${where}: ${(error as Error).message}`,
    );
  } finally {
    file.destroy();
  }
  if (!ended) {
    throw new ImportError(`the file ends too early, after ${where}`);
  }
}

/**
 * Whether the file's first character (after a byte order mark and white
 * space) is `<`: an XML file, most likely a Disqus or WordPress export given
 * to the wrong command, which deserves better than a JSON parser's complaint.
 */
async function startsLikeXml(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(256), 0, 256, 0);
    const start = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^[\ufeff\s]+/, '');
    return start.startsWith('<');
  } finally {
    await handle.close();
  }
}

/**
 * Whether the file holds a whole JSON document followed by something other
 * than white space: the outermost object or array closes (found by counting
 * brackets outside strings; JSON's structural characters are ASCII, so bytes
 * will do) and what comes before that point parses. Read only when parsing
 * failed, to say where.
 */
async function followsTheDocument(path: string): Promise<boolean> {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let offset = 0;
  let end = -1;
  let more = false;
  scan: for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (end >= 0) {
        if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
        more = true;
        break scan;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) inString = false;
      } else if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if ((c === 0x7d || c === 0x5d) && depth > 0 && --depth === 0) end = offset + i + 1;
    }
    offset += chunk.length;
  }
  if (!more) return false;
  const tokens = parserStream({ packValues: true, streamValues: false });
  createReadStream(path, { end: end - 1 }).pipe(tokens);
  try {
    for await (const _ of tokens) {
      // Only whether it parses matters.
    }
    return true;
  } catch {
    return false;
  }
}

/** The value of a packed primitive token (numbers come as their text). */
function primitive(token: Token): unknown {
  switch (token.name) {
    case 'stringValue':
    case 'nullValue':
    case 'trueValue':
    case 'falseValue':
      return token.value;
    case 'numberValue':
      return Number(token.value);
    default:
      return undefined;
  }
}

/**
 * Checks the header before the first row: the format and a version this
 * server reads. Returns `exportedAt`, which names rows without a `sourceId`.
 */
function checkHeader(header: Header): string {
  if (header.format !== 'parley-export') {
    throw new ImportError('not a Parley export (its "format" is not "parley-export")');
  }
  const version = header.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new ImportError(`"version" ${JSON.stringify(version)} is not a version of the format`);
  }
  if (version > READS_VERSION) {
    throw new ImportError(
      `version ${version} is newer than this server reads (version ${READS_VERSION}): upgrade Parley to import it`,
    );
  }
  const exportedAt = time.safeParse(header.exportedAt);
  if (!exportedAt.success) throw new ImportError('"exportedAt" is missing or not a time');
  return exportedAt.data;
}

/** The first zod issue as `messages[3].author.name: message`. */
function fieldError(
  array: ArrayName,
  index: number,
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
): ImportError {
  const issue = error.issues[0]!;
  const path = [...prefix, ...issue.path].map((p) =>
    typeof p === 'number' ? `[${p}]` : `.${String(p)}`,
  );
  return new ImportError(`${array}[${index}]${path.join('')}: ${issue.message}`);
}

/**
 * A message's name or body under its rule; a deleted placeholder's may be
 * empty (its author deleted it: nothing of it is kept), and only that.
 */
function shownText(
  rule: z.ZodType<string, string>,
  value: string,
  deleted: boolean,
  where: { array: ArrayName; index: number; path: readonly PropertyKey[] },
): string {
  if (deleted && value === '') return '';
  const parsed = rule.safeParse(value);
  if (!parsed.success) throw fieldError(where.array, where.index, parsed.error, where.path);
  return parsed.data;
}

async function handleRow(
  array: ArrayName,
  index: number,
  value: unknown,
  sink: ImportSink,
  ids: IdLookup,
  exportedAt: string,
): Promise<void> {
  if (array === 'threads') {
    const parsed = threadRow.safeParse(value);
    if (!parsed.success) throw fieldError(array, index, parsed.error);
    const t = parsed.data;
    await sink.thread({
      key: t.key,
      title: t.title,
      summary: t.summary,
      // An older export has no summarySource: its summaries were all typed by a moderator.
      ...(t.summary !== null && t.summarySource === 'automatic'
        ? { summarySource: 'automatic' as const }
        : {}),
      url: t.url,
      status: t.status,
      createdAt: t.createdAt,
      ...(t.public === undefined ? {} : { public: t.public }),
      ...(t.updatedAt === undefined ? {} : { updatedAt: t.updatedAt }),
      ...(t.lastActivityAt === undefined ? {} : { lastActivityAt: t.lastActivityAt }),
    });
    return;
  }
  if (array === 'messages') {
    const parsed = messageRow.safeParse(value);
    if (!parsed.success) throw fieldError(array, index, parsed.error);
    const m = parsed.data;
    const deleted = m.status === 'deleted';
    const name = shownText(authorName, m.author.name, deleted, {
      array,
      index,
      path: ['author', 'name'],
    });
    const body = shownText(bodyText, m.body, deleted, { array, index, path: ['body'] });
    const sourceId = m.sourceId ?? `parley-file:${exportedAt}:${m.id}`;
    if (!ids.add(m.id, sourceId)) {
      throw new ImportError(`${array}[${index}].id: ${m.id} is the id of an earlier message`);
    }
    let parentSourceId: string | null = null;
    if (m.parentId !== null) {
      // An earlier message of the file; else one the database holds, named
      // by its sourceId (staging checks that it is there).
      const parent = ids.sourceIdOf(m.parentId) ?? m.parentSourceId;
      if (parent === undefined) {
        throw new ImportError(
          `message ${sourceId} (${array}[${index}]): its parent ${m.parentId} is not an earlier message in this file (a parent already in the database is named by "parentSourceId")`,
        );
      }
      parentSourceId = parent;
    }
    await sink.message({
      sourceId,
      threadKey: m.threadKey,
      parentSourceId,
      kind: m.kind,
      status: m.status,
      hiddenReason: m.status === 'hidden' ? m.hiddenReason : null,
      author: { name, role: m.author.role },
      body,
      highlighted: m.highlighted,
      createdAt: m.createdAt,
      editedAt: m.editedAt,
      updatedAt: m.updatedAt ?? null,
    });
    return;
  }
  const parsed = reportRow.safeParse(value);
  if (!parsed.success) throw fieldError(array, index, parsed.error);
  const r = parsed.data;
  const messageSourceId = ids.sourceIdOf(r.messageId);
  if (messageSourceId === undefined) {
    throw new ImportError(
      `${array}[${index}].messageId: ${r.messageId} is not a message in this file`,
    );
  }
  await sink.report({
    messageSourceId,
    // An empty reason is no reason, as the API stores it.
    reason: r.reason || null,
    createdAt: r.createdAt,
    decidedAt: r.decidedAt,
  });
}
