// Each Apple enrollment's declaration set, installed by the core and served by the edge's DDM endpoints.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('edge')
    .createTable('apple_declaration_sets')
    .addColumn('enrollment_id', 'uuid', (c) =>
      c.primaryKey().references('edge.apple_enrollments.id').onDelete('cascade'),
    )
    .addColumn('declarations', 'jsonb', (c) => c.notNull())
    .addColumn('declarations_token', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('edge').dropTable('apple_declaration_sets').execute();
}
