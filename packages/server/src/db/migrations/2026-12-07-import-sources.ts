import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';

// Importing (`parley-server import`) is idempotent by a stable source id per
// message: `messages.source_id` keeps where an imported message came from
// (`disqus:<id>`, a Parley export's `sourceId`, ...), null for a message
// posted here. Unique where set, so the same message can never be imported
// twice, even by two imports running at once.
//
// A message posted here is known outside as `parley:<site_id>:<id>`: the
// site id is random, made once here, so an export imported back into the
// site it came from finds its own messages. A restored or cloned backup keeps
// it, so the import matches such an id only to the same message (same thread,
// same time), not to whatever now has that id.
// Like every migration it imports nothing from the app.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('source_id', 'text').execute();
  await sql`create unique index messages_source_idx on messages (source_id) where source_id is not null`.execute(
    db,
  );
  await db.schema
    .createTable('site_meta')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.insertInto('site_meta').values({ name: 'site_id', value: randomUUID() }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('site_meta').execute();
  await db.schema.dropIndex('messages_source_idx').execute();
  await db.schema.alterTable('messages').dropColumn('source_id').execute();
}
