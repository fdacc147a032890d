// The identity certificate a device holds now for an enrollment: Keep's device-identity profile, not revoked, and
// not yet renewed (a renewal's certificate takes over once it is issued). Profiles with secrets are encrypted to it.
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';

export async function currentDeviceIdentityDer(
  db: Kysely<CoreDatabase>,
  enrollmentId: string,
): Promise<Buffer | undefined> {
  const current = await db
    .selectFrom('certificates as c')
    .select('c.der')
    .where('c.enrollment_id', '=', enrollmentId)
    .where('c.profile', '=', 'device-identity')
    .where('c.revoked_at', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('certificates as s')
            .select('s.serial_hex')
            .whereRef('s.renewal_of', '=', 'c.sha256_fingerprint'),
        ),
      ),
    )
    .orderBy('c.issued_at', 'desc')
    .executeTakeFirst();
  return current?.der;
}
