import { readFileSync } from 'node:fs';

/**
 * Live streams one client may hold open at once (design.md: "at most 16 per
 * client"). A reader's tabs stay well under it: one stream per open thread.
 */
export const MAX_STREAMS_PER_CLIENT = 16;

/** Seconds a client over its own limit is told to wait (`Retry-After`). */
export const CLIENT_LIMIT_RETRY_SECONDS = 30;

/** Seconds a client is told to wait when the server holds all the streams it can. */
export const SERVER_LIMIT_RETRY_SECONDS = 10;

/** The open-file limit assumed where it cannot be read (no `/proc`: macOS, Windows). */
export const FALLBACK_FILE_LIMIT = 1_024;

/** The most files kept back for everything but streams, and the least. */
const MIN_HEADROOM = 256;

/**
 * The soft "Max open files" limit of this process, from `/proc/self/limits`
 * (Linux), or undefined where that cannot be read. `unlimited` reads as
 * 1,048,576, Linux's default ceiling (`fs.nr_open`).
 */
export function openFileLimit(
  read: () => string = () => readFileSync('/proc/self/limits', 'utf8'),
): number | undefined {
  let text: string;
  try {
    text = read();
  } catch {
    return undefined;
  }
  const line = text.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  if (soft === 'unlimited') return 1_048_576;
  if (soft === undefined || !/^\d+$/.test(soft)) return undefined;
  return Number(soft);
}

/**
 * The default global cap on open streams (`PARLEY_MAX_STREAMS` unset, as
 * its row in config.ts `SETTINGS` says): every
 * stream holds a socket, one file, for as long as it is open, so streams may
 * take the process's open-file limit less a headroom of a quarter of it (at
 * least 256 files) for API requests, the database, logs and Node itself:
 * `limit - max(256, floor(limit / 4))`, at least 1. With 1,024 files, 768
 * streams; with 65,536, 49,152. Where the limit cannot be read,
 * {@link FALLBACK_FILE_LIMIT} files are assumed.
 */
export function defaultMaxStreams(limit = openFileLimit() ?? FALLBACK_FILE_LIMIT): number {
  return Math.max(1, limit - Math.max(MIN_HEADROOM, Math.floor(limit / 4)));
}
