import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Logger } from './app-deps.ts';
import { ConfigError, MIN_SECRET } from './config.ts';
import { parseDatabaseUrl } from './db/store.ts';

/** The key file of a SQLite database: beside it, named after it (`parley.db` → `parley.db.key`). */
function keyFilePath(databasePath: string): string {
  return `${databasePath}.key`;
}

/**
 * The server secret that keys every address hash, so a copy of the database
 * alone cannot turn a hash back into an address:
 *
 * - `PARLEY_SECRET` when it is set (validated by the config);
 * - else, on SQLite, the key file beside the database (`<database>.key`):
 *   created on first start with 32 random bytes, mode 0600, and read on every
 *   later start; an in-memory database gets a random secret per process;
 * - else (PostgreSQL) a {@link ConfigError}: instances behind one database
 *   must hash alike, so each must be given the same secret, and a key file on
 *   one machine cannot give them that.
 *
 * The secret is never logged and never written to the database.
 */
export function loadServerSecret(options: {
  secret: string | undefined;
  databaseUrl: string | undefined;
  logger: Logger;
}): string {
  if (options.secret) return options.secret;
  const target = parseDatabaseUrl(options.databaseUrl);
  if (target.dialect === 'postgres') {
    throw new ConfigError(
      `PARLEY_SECRET is required with PostgreSQL: every instance must be given the same PARLEY_SECRET (at least ${MIN_SECRET} characters, e.g. from openssl rand -base64 32)`,
    );
  }
  if (target.path === ':memory:') return randomBytes(32).toString('base64url');
  const file = keyFilePath(resolve(target.path));
  mkdirSync(dirname(file), { recursive: true });
  if (createKeyFile(file)) options.logger.info({ msg: 'created the server key file', file });
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < MIN_SECRET) {
    throw new ConfigError(
      `the key file ${file} holds no secret of at least ${MIN_SECRET} characters: restore it from a backup, or set PARLEY_SECRET`,
    );
  }
  return secret;
}

/**
 * Creates the key file unless it exists; returns whether it did. Written to
 * a scratch file and linked into place, so two servers starting at once on
 * one database agree on one key and neither reads a half-written file.
 */
function createKeyFile(file: string): boolean {
  const scratch = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(scratch, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(scratch, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(scratch);
  }
}
