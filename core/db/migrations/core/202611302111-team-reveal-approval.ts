// A second approver per team: revealing an escrowed secret of a device in such a team needs another admin's
// approval even when the global `admin.secretRevealApproval` is off.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('core')
    .alterTable('teams')
    .addColumn('require_reveal_approval', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').alterTable('teams').dropColumn('require_reveal_approval').execute();
}
