import type { Kysely } from 'kysely';

// A message deleted without replies leaves no row, so an import of a file
// that held it could not tell it from a new one and would bring it back.
// Its source id stays here (only the id: nothing of what it said or who
// wrote it), for the import to leave it out: the source id it was imported
// with, or, for a message posted here, `parley:<site id>:<id>@<createdAt>`,
// the form an import stores this site's own ids it does not find under.
// Like every migration it imports nothing from the app.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('removed_sources')
    .addColumn('source_id', 'text', (c) => c.primaryKey())
    .addColumn('removed_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('removed_sources').execute();
}
