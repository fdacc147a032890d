// Reads of core.push_certificates for the admin API: never the sealed key column.
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { PushCertificateRow } from '../../core/db/core/push-certificate.table.js';

export type PushCertificateSummary = Omit<PushCertificateRow, 'sealed_key' | 'cert_pem'>;

/** The newest import is the one in use. */
export async function currentPushCertificate(
  db: Kysely<CoreDatabase>,
): Promise<PushCertificateSummary | undefined> {
  return db
    .selectFrom('push_certificates')
    .select([
      'id',
      'topic',
      'serial_number',
      'common_name',
      'not_before',
      'not_after',
      'uploaded_by',
      'created_at',
    ])
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}
