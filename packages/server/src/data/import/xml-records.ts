/**
 * A large XML export read as a stream of small records (a Disqus `<post>`, a
 * WordPress `<wp:comment>`), never as one document: sax parses the file a
 * chunk at a time and only the fields a reader asks for are kept, so memory
 * stays that of one record however big the file, and an email or IP the
 * reader never asks for is never even held.
 *
 * Names are matched by namespace URI, not by the prefix a file happens to
 * use: each reader maps the URIs it knows to the prefixes it writes paths in.
 *
 * One field is held whole, so its size is capped while it is read
 * ({@link MAX_FIELD_BYTES}): a file with a 300 MB `<message>` is no comment
 * export, and holding it ran V8 out of heap. Errors say what the file looks
 * like when it is not what the reader reads: not XML (a Parley export, by its
 * `{`), or cut short before its root element closes.
 */
import { createReadStream } from 'node:fs';
import sax from 'sax';
import { ImportError } from './records.ts';

/**
 * The most text one kept field may hold, in UTF-8 bytes (1 MiB): far above
 * any comment (a body is at most 10,000 characters once converted), far
 * below what would strain the heap. Past it the file is refused.
 */
const MAX_FIELD_BYTES = 1024 * 1024;

/** One record element, with the fields its reader asked for. */
export interface XmlRecord {
  /** Its path from the root, e.g. `disqus/post`. */
  path: string;
  /**
   * Field text by path relative to the record: `author/name` for an
   * element's text (CDATA included), `thread@dsq:id` for an attribute,
   * `@dsq:id` for the record's own attribute.
   */
  fields: Map<string, string>;
  /** 1-based line of its start tag, for error messages. */
  line: number;
  /** Its ordinal among the records of the same path, from 0. */
  index: number;
  /** The innermost record it is inside, if any (its fields as read so far). */
  enclosing: XmlRecord | undefined;
}

/** What a reader wants from a file. */
export interface XmlRecordSpec {
  /** Namespace URIs the reader knows, to the prefix its paths use (`''` for none). */
  namespaces: (uri: string) => string | undefined;
  /** Why the root element is not what the reader reads, or null when it is. */
  checkRoot(name: string, declared: Record<string, string>): string | null;
  /** Record paths, each with the relative field paths to keep. */
  records: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * The {@link ImportError} for an export that cannot be read, its message
 * saying where: `<file>, line <line>[, column <column>]: <reason>`.
 */
export function exportFileError(
  file: string,
  line: number,
  column: number | null,
  reason: string,
): ImportError {
  return new ImportError(
    `${file}, line ${line}${column === null ? '' : `, column ${column}`}: ${reason}`,
  );
}

interface Frame {
  path: string;
  /** The record this element belongs to (opened it, or is inside it). */
  record: XmlRecord | undefined;
  /** Its path relative to that record. */
  relative: string;
  opensRecord: boolean;
  text: string[] | null;
  /** UTF-8 bytes of `text` so far. */
  bytes: number;
  /** 1-based line of its start tag. */
  line: number;
  /** Its name, as the reader's paths write it. */
  name: string;
}

/**
 * Streams `file` and calls `onRecord` for each record when its end tag is
 * read, in file order, awaiting each call before the next. Rejects with an
 * {@link exportFileError} naming the line and column on malformed XML or
 * the wrong root element, and the line on a file that is not XML, one that
 * ends before its root closes, or a kept field of over
 * {@link MAX_FIELD_BYTES} (the reading stops there).
 */
export async function readXmlRecords(
  file: string,
  spec: XmlRecordSpec,
  onRecord: (record: XmlRecord) => void | Promise<void>,
): Promise<void> {
  const parser = sax.parser(true, { xmlns: true, position: true });
  const stack: Frame[] = [];
  const done: XmlRecord[] = [];
  const counts = new Map<string, number>();
  let rootSeen = false;

  const fail = (reason: string, withColumn = true): never => {
    throw exportFileError(file, parser.line + 1, withColumn ? parser.column + 1 : null, reason);
  };
  const nameOf = (uri: string, local: string, written: string) => {
    const prefix = spec.namespaces(uri);
    if (prefix === undefined) return written;
    return prefix === '' ? local : `${prefix}:${local}`;
  };

  // What the file starts with, and whether sax is at its end: its errors
  // there say the file is no XML, or cut short, better in those words.
  let start = '';
  let ending = false;
  parser.onerror = (error) => {
    const reason = error.message.split('\n')[0] ?? 'malformed XML';
    if (!rootSeen && reason.startsWith('Non-whitespace before first tag')) {
      fail(
        start === '{'
          ? 'not XML but JSON, like a Parley export: read that with `parley-server import`'
          : 'not XML (it does not start with a tag)',
        false,
      );
    }
    if (ending && stack.length > 0) {
      fail(
        `the file ends before its root element <${stack[0]!.name}> closes: it looks cut short (a truncated download or copy?)`,
        false,
      );
    }
    fail(reason);
  };
  parser.onopentag = (tag) => {
    const node = tag as sax.QualifiedTag;
    const name = nameOf(node.uri, node.local, node.name);
    const parent = stack.at(-1);
    if (parent === undefined) {
      if (rootSeen) fail('a second root element');
      rootSeen = true;
      const wrong = spec.checkRoot(name, node.ns);
      if (wrong !== null) fail(wrong);
    }
    const path = parent === undefined ? name : `${parent.path}/${name}`;
    const wanted = spec.records.get(path);
    const common = { path, name, bytes: 0, line: parser.line + 1 };
    let frame: Frame;
    if (wanted !== undefined) {
      const index = counts.get(path) ?? 0;
      counts.set(path, index + 1);
      const record: XmlRecord = {
        path,
        fields: new Map(),
        line: parser.line + 1,
        index,
        enclosing: parent?.record,
      };
      frame = { ...common, record, relative: '', opensRecord: true, text: null };
    } else {
      const record = parent?.record;
      const relative =
        parent === undefined || parent.opensRecord ? name : `${parent.relative}/${name}`;
      const keep = record !== undefined && spec.records.get(record.path)!.has(relative);
      frame = { ...common, record, relative, opensRecord: false, text: keep ? [] : null };
    }
    const record = frame.record;
    if (record !== undefined) {
      const keys = spec.records.get(record.path)!;
      for (const attribute of Object.values(node.attributes)) {
        const key = `${frame.relative}@${nameOf(attribute.uri, attribute.local, attribute.name)}`;
        if (keys.has(key)) record.fields.set(key, attribute.value);
      }
    }
    stack.push(frame);
  };
  const onText = (text: string) => {
    const frame = stack.at(-1);
    if (frame === undefined || frame.text === null) return;
    frame.bytes += Buffer.byteLength(text);
    if (frame.bytes > MAX_FIELD_BYTES) {
      throw exportFileError(
        file,
        frame.line,
        null,
        `a <${frame.name}> longer than ${MAX_FIELD_BYTES / 1024 / 1024} MiB: not a comment export`,
      );
    }
    frame.text.push(text);
  };
  parser.ontext = onText;
  parser.oncdata = onText;
  parser.onclosetag = () => {
    const frame = stack.pop()!;
    if (frame.text !== null) frame.record!.fields.set(frame.relative, frame.text.join(''));
    if (frame.opensRecord) done.push(frame.record!);
  };

  let first = true;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    let text = chunk as string;
    // A byte order mark is not XML; sax would call it text before the root.
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    start ||= text.trimStart().charAt(0);
    parser.write(text);
    // Records met in this chunk, handed on before the next is parsed: a slow
    // sink slows the reading instead of records piling up.
    for (const record of done.splice(0)) await onRecord(record);
  }
  ending = true;
  parser.close();
  for (const record of done.splice(0)) await onRecord(record);
  if (!rootSeen) fail('no root element: the file is empty or not XML', false);
}
