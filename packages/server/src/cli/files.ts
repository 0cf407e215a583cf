/**
 * How a command writes its FILE so that FILE is only ever whole: the work
 * goes to `FILE.partial`, which is synced to disk and renamed to FILE once
 * the work succeeded and checked out; a failure removes it. A FILE that
 * exists is never overwritten.
 */
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './command.ts';

/** Where a command writes FILE first. */
export function partialOf(file: string): string {
  return `${file}.partial`;
}

/**
 * FILE made absolute, once it is known to be free: it does not exist, nor
 * does its `.partial` (another run's, still going or killed), and its folder
 * does. Else a {@link UsageError} that says which and what to do.
 */
export function newFile(file: string): string {
  const path = resolve(file);
  if (existsSync(path)) {
    throw new UsageError(`${file} exists; name a new file (nothing is ever overwritten)`);
  }
  const folder = dirname(path);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new UsageError(`the folder ${folder} does not exist; create it first`);
  }
  if (existsSync(partialOf(path))) {
    throw new UsageError(
      `${partialOf(path)} exists: another run is writing it, or one was killed; remove it once no run is going`,
    );
  }
  return path;
}

/** Makes `path`'s content (or, for a folder, its entries) durable. */
function sync(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Renames the finished `FILE.partial` to FILE, its content synced to disk
 * first and the folder's entry after, so that after a power cut FILE is
 * either absent or whole. Refuses if FILE appeared meanwhile.
 */
export function publish(path: string): void {
  const partial = partialOf(path);
  sync(partial);
  if (existsSync(path)) throw new Error(`${path} appeared while this ran; the result is not kept`);
  renameSync(partial, path);
  sync(dirname(path));
}

/** Removes `FILE.partial` and any SQLite journal beside it: a failed run leaves nothing. */
export function discard(path: string): void {
  const partial = partialOf(path);
  for (const leftover of [partial, `${partial}-wal`, `${partial}-shm`, `${partial}-journal`]) {
    rmSync(leftover, { force: true });
  }
}
