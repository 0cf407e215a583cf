/**
 * What a command does with the database's schema before its work. The
 * design has each command migrate a fresh database, so that a new site can
 * start with `import`. Migrating any other would change the schema under the
 * server running on it: an owner upgrading takes a backup first, with the
 * old server still serving, and that backup must be of the database as it
 * was. So a database at an older version is copied as it is by `backup` and
 * refused by the rest, and one at a newer version by every command.
 */
import type { Kysely } from 'kysely';
import { MIGRATION_NAMES, migrateToLatest, schemaVersion } from '../db/migrate.ts';
import type { Database } from '../db/schema.ts';

/**
 * Brings `db` to where a command can work on it: a fresh database is
 * migrated, one at this version is left as it is, one at an older version
 * too when `acceptsOlder` (else refused), one at a newer version refused.
 * A refusal is an Error whose message says what to do; nothing was changed.
 */
export async function prepareSchema(db: Kysely<Database>, acceptsOlder: boolean): Promise<void> {
  const version = await schemaVersion(db);
  switch (version.state) {
    case 'fresh':
      await migrateToLatest(db);
      return;
    case 'current':
      return;
    case 'older':
      if (acceptsOlder) return;
      throw new Error(
        `the database is at an older version: start this version's server once (it migrates), or use the matching parley-server (the database has ${version.applied} of this version's ${MIGRATION_NAMES.length} migrations); nothing was done`,
      );
    case 'newer':
      throw new Error(
        `the database is at a newer version (it has migrations this parley-server does not know: ${version.unknown.join(', ')}): use the parley-server that migrated it, or a newer one; nothing was done`,
      );
  }
}
