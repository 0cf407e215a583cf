/**
 * How a command writes its FILE so that FILE is only ever whole: the work
 * goes to `FILE.partial`, created exclusively, which is synced to disk and
 * linked to FILE once the work succeeded and checked out; a failure removes
 * it. A FILE that exists is never overwritten, and nothing is written
 * through a symlink put in the way (even after the up-front check).
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  rmSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './command.ts';

/** Where a command writes FILE first. */
export function partialOf(file: string): string {
  return `${file}.partial`;
}

/** Whether anything is at `path`: a symlink counts, even one that points nowhere. */
function taken(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    // Absent, or unreachable (a file where a folder should be): the folder
    // check or the create says which.
    return false;
  }
}

/** The refusal of a FILE that exists, up front or when the result would take its place. */
function fileExists(file: string): UsageError {
  return new UsageError(`${file} exists; name a new file (nothing is ever overwritten)`);
}

/** The refusal of a `FILE.partial` that exists, up front or when the command creates it. */
function partialExists(partial: string): UsageError {
  return new UsageError(
    `${partial} exists: another run is writing it, or one was killed; remove it once no run is going`,
  );
}

/** Whether `error` is the file system's "it exists". */
function isEexist(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'EEXIST';
}

/**
 * FILE made absolute, once it is known to be free: it does not exist, nor
 * does its `.partial` (another run's, still going or killed), and its folder
 * does. Else a {@link UsageError} that says which and what to do.
 */
export function newFile(file: string): string {
  const path = resolve(file);
  if (taken(path)) throw fileExists(file);
  const folder = dirname(path);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new UsageError(`the folder ${folder} does not exist; create it first`);
  }
  if (taken(partialOf(path))) throw partialExists(partialOf(path));
  return path;
}

/**
 * Creates `FILE.partial`, empty, and returns it open for writing. The create
 * is exclusive, so whatever took the name since {@link newFile} checked it
 * (another run's partial, a symlink to a file the command must not write) is
 * refused, as the check refuses it, and left as it is.
 */
export function createPartial(path: string): number {
  try {
    // Owner-only: a backup holds readers' addresses, an export every message as written.
    return openSync(partialOf(path), 'wx', 0o600);
  } catch (error) {
    if (isEexist(error)) throw partialExists(partialOf(path));
    throw error;
  }
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
 * Makes the finished `FILE.partial` FILE, its content synced to disk first
 * and the folder's entries after, so that after a power cut FILE is either
 * absent or whole. A hard link, unlike a rename, never replaces what is
 * there: a FILE that appeared meanwhile is refused as {@link newFile} refuses
 * it (the partial stays for the caller to discard).
 */
export function publish(path: string): void {
  const partial = partialOf(path);
  sync(partial);
  try {
    linkSync(partial, path);
  } catch (error) {
    if (isEexist(error)) throw fileExists(path);
    throw error;
  }
  unlinkSync(partial);
  sync(dirname(path));
}

/** Removes `FILE.partial` and any SQLite journal beside it: a failed run leaves nothing. */
export function discard(path: string): void {
  const partial = partialOf(path);
  for (const leftover of [partial, `${partial}-wal`, `${partial}-shm`, `${partial}-journal`]) {
    rmSync(leftover, { force: true });
  }
}
