// Stores and loads the CA's certificates and sealed keys (core.ca_keys).
import type { Kysely, Transaction } from 'kysely';
import type { CaKey, CaKeyPurpose, NewCaKey } from '../../core/db/core/ca-key.table.js';
import type { CoreDatabase } from '../../core/db/core-database.js';

type Db = Kysely<CoreDatabase> | Transaction<CoreDatabase>;

export async function insertCaKey(db: Db, row: NewCaKey): Promise<void> {
  await db.insertInto('ca_keys').values(row).execute();
}

export async function findActiveCaKeys(db: Db): Promise<Map<CaKeyPurpose, CaKey>> {
  const rows = await db.selectFrom('ca_keys').selectAll().where('active', '=', true).execute();
  return new Map(rows.map((row) => [row.purpose, row]));
}

/** Retires the active key of a purpose, before its successor is inserted in the same transaction. */
export async function deactivateCaKey(db: Db, purpose: CaKeyPurpose): Promise<void> {
  await db
    .updateTable('ca_keys')
    .set({ active: false, state: 'retired' })
    .where('purpose', '=', purpose)
    .where('active', '=', true)
    .execute();
}

/** Issuing CAs trusted beside the active one during a rollover: the one coming (`next`) or going (`retiring`). */
export async function findPublishedIssuingCas(db: Db): Promise<CaKey[]> {
  return db
    .selectFrom('ca_keys')
    .selectAll()
    .where('purpose', '=', 'issuing')
    .where('state', 'in', ['next', 'retiring'])
    .orderBy('created_at')
    .execute();
}

/**
 * Roots a root rollover keeps trusted beside the active one: a successor coming (`next`), the old root going
 * (`retiring`, until its last certificate expires), and the active root if it carries a cross-certificate.
 */
export async function findRolloverRoots(db: Db): Promise<CaKey[]> {
  return db
    .selectFrom('ca_keys')
    .selectAll()
    .where('purpose', '=', 'root')
    .where((eb) =>
      eb.or([eb('state', 'in', ['next', 'retiring']), eb('cross_certificate_pem', 'is not', null)]),
    )
    .where('state', '<>', 'retired')
    .orderBy('created_at')
    .execute();
}

/**
 * Issuing CAs that sign a CRL, oldest first: the active one and any retiring or retired one whose key is still
 * held (`only` narrows to one state).
 */
export async function findCrlSigningCas(db: Db, only?: 'retired'): Promise<CaKey[]> {
  return db
    .selectFrom('ca_keys')
    .selectAll()
    .where('purpose', '=', 'issuing')
    .where('state', 'in', only ? [only] : ['active', 'retiring', 'retired'])
    .where('sealed_private_key', 'is not', null)
    .orderBy('created_at')
    .execute();
}

/**
 * Changes whenever an issuing CA or a root is introduced, activated or retired, or a retired issuing CA's key is
 * destroyed: a loaded CA older than it is stale.
 */
export async function issuingCaVersion(db: Db): Promise<string> {
  const rows = await db
    .selectFrom('ca_keys')
    .select(['id', 'state'])
    .where('purpose', 'in', ['issuing', 'root'])
    .where((eb) => eb.or([eb('state', '<>', 'retired'), eb('sealed_private_key', 'is not', null)]))
    .orderBy('id')
    .execute();
  return rows.map((row) => `${row.id}:${row.state}`).join(',');
}
