import {
  DEFAULT_MIGRATION_TABLE,
  type Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  PostgresAdapter,
  sql,
} from 'kysely';
import * as initial from './migrations/2026-11-29-initial.ts';
import * as moderation from './migrations/2026-11-30-moderation.ts';
import * as events from './migrations/2026-12-01-events.ts';
import * as hiddenReason from './migrations/2026-12-04-hidden-reason.ts';
import * as ownerKeys from './migrations/2026-12-04-owner-keys.ts';
import * as reportsByNetwork from './migrations/2026-12-04-reports-by-network.ts';
import * as spam from './migrations/2026-12-04-spam.ts';
import * as threadVisibility from './migrations/2026-12-04-thread-visibility.ts';
import * as editSends from './migrations/2026-12-05-edit-sends.ts';
import * as fingerprints from './migrations/2026-12-05-fingerprints.ts';
import * as highlightedIndex from './migrations/2026-12-06-highlighted-index.ts';
import * as importSources from './migrations/2026-12-07-import-sources.ts';
import * as openingIndex from './migrations/2026-12-08-opening-index.ts';
import * as removedSources from './migrations/2026-12-09-removed-sources.ts';
import * as notifications from './migrations/2026-12-10-notifications.ts';
import * as postSends from './migrations/2026-12-10-post-sends.ts';
import * as summaries from './migrations/2026-12-11-summaries.ts';

/**
 * Every migration, in order, for every dialect. Names are date-prefixed and a
 * released migration is never edited: add a new one instead.
 */
const migrations: Record<string, Migration> = {
  '2026-11-29-initial': initial,
  '2026-11-30-moderation': moderation,
  '2026-12-01-events': events,
  '2026-12-04-hidden-reason': hiddenReason,
  '2026-12-04-owner-keys': ownerKeys,
  '2026-12-04-reports-by-network': reportsByNetwork,
  '2026-12-04-spam': spam,
  '2026-12-04-thread-visibility': threadVisibility,
  '2026-12-05-edit-sends': editSends,
  '2026-12-05-fingerprints': fingerprints,
  '2026-12-06-highlighted-index': highlightedIndex,
  '2026-12-07-import-sources': importSources,
  '2026-12-08-opening-index': openingIndex,
  '2026-12-09-removed-sources': removedSources,
  '2026-12-10-notifications': notifications,
  '2026-12-10-post-sends': postSends,
  '2026-12-11-summaries': summaries,
};

/** The names of every migration, in the order they apply. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrations).sort();

const provider: MigrationProvider = {
  getMigrations: async () => migrations,
};

/**
 * Kysely's migrator for `db`. Kysely looks for its bookkeeping tables in every
 * schema; on PostgreSQL they are pinned to the schema Parley lives in (also
 * returned, to read them), or another app's (or another Parley's) Kysely
 * tables elsewhere in the database would be mistaken for ours.
 */
async function migratorFor(db: Kysely<any>): Promise<{ migrator: Migrator; schema?: string }> {
  const schema =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]
          ?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    provider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  return { migrator, ...(schema ? { schema } : {}) };
}

/**
 * Brings the schema to the latest migration. Kysely's migrator takes a lock
 * first (an advisory lock on PostgreSQL), so instances starting together apply
 * each migration exactly once. Returns the names of those this call applied.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { migrator } = await migratorFor(db);
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error ?? 'unknown error');
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${cause}`.replace('  ', ' '));
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Where a database stands against this version's migrations: `fresh` (none
 * applied), `current` (exactly this version's), `older` (the first `applied`
 * of them: an older version's server runs on it) or `newer` (it has
 * migrations this version does not know, named in `unknown`).
 */
export type SchemaVersion =
  | { state: 'fresh' }
  | { state: 'current' }
  | { state: 'older'; applied: number }
  | { state: 'newer'; unknown: readonly string[] };

/**
 * Reads which migrations `db` has, changing nothing (not even creating
 * Kysely's tables). Throws when they skip one of this version's, which no
 * release of Parley leaves.
 */
export async function schemaVersion(db: Kysely<any>): Promise<SchemaVersion> {
  const { migrator, schema } = await migratorFor(db);
  const known = await migrator.getMigrations();
  const applied = known.filter((m) => m.executedAt !== undefined).map((m) => m.name);
  // With none of ours applied, any other rows are not a Parley's; migrating
  // then fails with Kysely's own message naming them.
  if (applied.length === 0) return { state: 'fresh' };
  const rows = await (schema ? db.withSchema(schema) : db)
    .selectFrom(DEFAULT_MIGRATION_TABLE)
    .select('name')
    .execute();
  const unknown = rows
    .map((row: { name: string }) => row.name)
    .filter((name: string) => !MIGRATION_NAMES.includes(name))
    .sort();
  if (unknown.length > 0) return { state: 'newer', unknown };
  if (applied.length === MIGRATION_NAMES.length) return { state: 'current' };
  const skipped = MIGRATION_NAMES.find((name, i) => i < applied.length && applied[i] !== name);
  if (skipped !== undefined) {
    throw new Error(
      `the database's migrations skip ${skipped}, which no Parley release leaves; it cannot be used`,
    );
  }
  return { state: 'older', applied: applied.length };
}
