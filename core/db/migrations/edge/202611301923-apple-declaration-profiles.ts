// The signed profiles behind an enrollment's `com.apple.configuration.legacy` declarations, sealed with the edge
// key ring (a profile may hold a Wi-Fi password or a SCEP challenge), fetched by the device over its identity.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('edge')
    .createTable('apple_declaration_profiles')
    .addColumn('enrollment_id', 'uuid', (c) =>
      c.notNull().references('edge.apple_enrollments.id').onDelete('cascade'),
    )
    .addColumn('identifier', 'text', (c) => c.notNull())
    .addColumn('body', 'bytea', (c) => c.notNull())
    .addColumn('body_key_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('apple_declaration_profiles_pkey', ['enrollment_id', 'identifier'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('edge').dropTable('apple_declaration_profiles').execute();
}
