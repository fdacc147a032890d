// Hardware attestation per team and per identity: a team may require attested identities of its devices, and an
// identity issued through ACME device-attest-01 keeps what Apple vouched for (the admin sees it on the device).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const core = db.schema.withSchema('core');
  await core
    .alterTable('teams')
    .addColumn('require_attestation', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await core.alterTable('certificates').addColumn('attestation', 'jsonb').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const core = db.schema.withSchema('core');
  await core.alterTable('certificates').dropColumn('attestation').execute();
  await core.alterTable('teams').dropColumn('require_attestation').execute();
}
