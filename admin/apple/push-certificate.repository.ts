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

/** Whether any Apple device holds an enrollment (not checked out): they all depend on the current topic. */
export async function hasEnrolledAppleDevices(db: Kysely<CoreDatabase>): Promise<boolean> {
  const row = await db
    .selectFrom('devices')
    .select('id')
    .where('platform', '=', 'apple')
    .where('enrollment_status', '<>', 'checked-out')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
