/**
 * `parley-server export [--thread KEY] [FILE]`: the export document
 * (`docs/export-format.md`), streamed from `exportDocument` as the admin
 * route streams it, to FILE (through `FILE.partial`, so a FILE is always a
 * whole document) or to stdout, written no faster than the reader takes it.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { type ExportArray, exportDocument } from '../data/export.ts';
import { findThreadByKey } from '../threads/threads.repository.ts';
import type { Command } from './command.ts';
import { createPartial, discard, newFile, partialOf, publish } from './files.ts';
import { bytes, duration, things } from './format.ts';

/**
 * Writes `chunks` to `out` in order and resolves with the bytes written.
 * Back-pressure: when `write` says the stream's buffer is full, the next
 * chunk is not even read from the database until the stream drains, so a
 * slow reader (a pipe, a disk) holds at most one chunk in memory. Rejects on
 * the stream's error, or when `signal` aborts.
 */
export async function writeChunks(
  chunks: AsyncIterable<string>,
  out: Writable,
  signal?: AbortSignal,
): Promise<number> {
  let written = 0;
  // A stream error with no write pending (a closed pipe) would go unheard:
  // remember it and fail at the next step.
  let failed: Error | undefined;
  const onError = (error: Error) => {
    failed ??= error;
  };
  out.on('error', onError);
  try {
    for await (const chunk of chunks) {
      signal?.throwIfAborted();
      if (failed) throw failed;
      written += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await once(out, 'drain', signal ? { signal } : {});
    }
    if (failed) throw failed;
    return written;
  } finally {
    out.off('error', onError);
  }
}

/** `parley-server export [--thread KEY] [FILE]`. */
export const exportCommand: Command = {
  name: 'export',
  summary: 'write every thread, message and report as JSON',
  description:
    "Writes the export document (docs/export-format.md): every thread, every message whatever its status (with its markdown, status, parent, times, author, highlight and edit time) and every report, or one thread's with --thread; never an address hash, token, email or secret. It goes to FILE, through FILE.partial, renamed to FILE once the whole document is written (FILE must not exist), or to standard output when FILE is left out or is -, when the summary goes to standard error. The document is streamed as it is read, so a large site needs little memory. The server may keep running: rows added after the export began are left out, while a change to a row it has not read yet may or may not be in it.",
  arguments: [{ name: 'FILE', optional: true }],
  options: [{ flag: 'thread', value: 'KEY', help: 'Export only the thread with this key.' }],
  async run({ args, options, io, withStore, progress }) {
    const file = args[0] === '-' ? undefined : args[0];
    const path = file === undefined ? undefined : newFile(file);
    const key = options.thread as string | undefined;
    const started = Date.now();
    return withStore(async (store) => {
      let thread: { id: number; key: string } | undefined;
      if (key !== undefined) {
        const row = await findThreadByKey(store.db, key);
        if (!row)
          throw new Error(`no thread with the key ${JSON.stringify(key)}; nothing was written`);
        thread = { id: row.id, key: row.key };
      }
      const rows: Record<ExportArray, number> = { threads: 0, messages: 0, reports: 0 };
      const line = progress();
      const chunks = exportDocument(store.db, {
        thread,
        now: new Date(),
        onRows(array, count) {
          rows[array] += count;
          line.update(array, rows[array]);
        },
      });
      let size: number;
      try {
        size =
          path === undefined
            ? await writeChunks(chunks, io.stdout, io.signal)
            : await toFile(path, (out) => writeChunks(chunks, out, io.signal));
      } catch (error) {
        // A FILE is removed on any failure; what went to stdout cannot be.
        if (path !== undefined || !io.signal?.aborted) throw error;
        io.stderr.write(
          'parley-server export: interrupted; what went to standard output is an incomplete document, not valid JSON: do not keep it\n',
        );
        return 1;
      } finally {
        line.done();
      }
      const what = `${things(rows.threads, 'thread')}, ${things(rows.messages, 'message')} and ${things(rows.reports, 'report')}`;
      const where = path ?? 'standard output';
      const summary = `Exported ${what} (${bytes(size)}) to ${where} in ${duration(Date.now() - started)}.\n`;
      (path === undefined ? io.stderr : io.stdout).write(summary);
      return 0;
    });
  },
};

/**
 * Runs `write` on `path.partial`, created afresh (see `createPartial`: one
 * that exists is refused and left alone), then makes it `path`; on any
 * failure removes it and rethrows.
 */
async function toFile(path: string, write: (out: Writable) => Promise<number>): Promise<number> {
  const out = createWriteStream(partialOf(path), { fd: createPartial(path) });
  try {
    const size = await write(out);
    out.end();
    await finished(out);
    publish(path);
    return size;
  } catch (error) {
    out.destroy();
    await finished(out).catch(() => {});
    discard(path);
    throw error;
  }
}
