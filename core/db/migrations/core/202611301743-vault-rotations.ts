// Secrets Keep sets on a device (a Recovery Lock password, later a managed admin's): a version is written `pending`
// before the command leaves, becomes `current` only once the device acknowledges it, and `failed` when the device
// refuses it, while the version before stays current and carries the failure (`rotation_error`) until a retry works.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core.vault_secrets drop constraint vault_secrets_state_check`.execute(db);
  await sql`alter table core.vault_secrets add constraint vault_secrets_state_check
    check (state in ('current', 'superseded', 'pending', 'failed'))`.execute(db);
  await db.schema
    .withSchema('core')
    .alterTable('vault_secrets')
    .addColumn('rotation_id', 'text')
    .addColumn('rotation_failed_at', 'timestamptz')
    .addColumn('rotation_error', 'text')
    .execute();
  // One rotation writes one pending version, however often its activity is retried.
  await sql`create unique index vault_secrets_rotation on core.vault_secrets (device_id, kind, rotation_id)
    where rotation_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index core.vault_secrets_rotation`.execute(db);
  await sql`delete from core.vault_secrets where state in ('pending', 'failed')`.execute(db);
  await db.schema
    .withSchema('core')
    .alterTable('vault_secrets')
    .dropColumn('rotation_id')
    .dropColumn('rotation_failed_at')
    .dropColumn('rotation_error')
    .execute();
  await sql`alter table core.vault_secrets drop constraint vault_secrets_state_check`.execute(db);
  await sql`alter table core.vault_secrets add constraint vault_secrets_state_check
    check (state in ('current', 'superseded'))`.execute(db);
}
