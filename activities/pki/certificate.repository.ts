// The registry of issued certificates (core.certificates): record, find, revoke, list revoked.
import type { Kysely, Transaction } from 'kysely';
import type { CertificateRecord, NewCertificateRecord } from '../../core/db/core/certificate.table.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { authorityKeyIdOf } from '../../core/pki/authority-key-id.js';
import type { RevocationReason, RevokedEntry } from '../../core/pki/crl.js';

type Db = Kysely<CoreDatabase> | Transaction<CoreDatabase>;

/** Fails with a unique violation on a repeated serial or fingerprint, which must never be papered over. */
export async function recordCertificate(db: Db, row: NewCertificateRecord): Promise<void> {
  await db.insertInto('certificates').values(row).execute();
}

/** Many at once, in one statement; fails as a whole like `recordCertificate`. */
export async function recordCertificates(db: Db, rows: readonly NewCertificateRecord[]): Promise<void> {
  if (rows.length) await db.insertInto('certificates').values(rows).execute();
}

export async function findCertificateBySerial(
  db: Db,
  serialHex: string,
): Promise<CertificateRecord | undefined> {
  return db
    .selectFrom('certificates')
    .selectAll()
    .where('serial_hex', '=', serialHex.toLowerCase())
    .executeTakeFirst();
}

export async function findCertificateByFingerprint(
  db: Db,
  sha256Fingerprint: string,
): Promise<CertificateRecord | undefined> {
  return db
    .selectFrom('certificates')
    .selectAll()
    .where('sha256_fingerprint', '=', sha256Fingerprint.toLowerCase())
    .executeTakeFirst();
}

export async function findCertificateByChallenge(
  db: Db,
  challengeHash: string,
): Promise<CertificateRecord | undefined> {
  return db
    .selectFrom('certificates')
    .selectAll()
    .where('challenge_hash', '=', challengeHash)
    .executeTakeFirst();
}

export async function findCertificatesByChallenge(
  db: Db,
  challengeHashes: readonly string[],
): Promise<CertificateRecord[]> {
  if (!challengeHashes.length) return [];
  return db.selectFrom('certificates').selectAll().where('challenge_hash', 'in', challengeHashes).execute();
}

/** The certificate that renewed this one, if it was renewed. */
export async function findRenewalOf(
  db: Db,
  sha256Fingerprint: string,
): Promise<CertificateRecord | undefined> {
  return db
    .selectFrom('certificates')
    .selectAll()
    .where('renewal_of', '=', sha256Fingerprint.toLowerCase())
    .executeTakeFirst();
}

/** The identity an enrollment holds now: its newest device identity, not revoked and not yet renewed. */
export async function findCurrentIdentity(
  db: Db,
  enrollmentId: string,
): Promise<CertificateRecord | undefined> {
  return db
    .selectFrom('certificates as c')
    .selectAll('c')
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
    .limit(1)
    .executeTakeFirst();
}

/** True when this call revoked it; false when it was unknown or already revoked (the first date stands). */
export async function revokeCertificate(
  db: Db,
  serialHex: string,
  reason: RevocationReason,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('certificates')
    .set({ revoked_at: at, revocation_reason: reason })
    .where('serial_hex', '=', serialHex.toLowerCase())
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** A CRL entry with the CA key that issued the certificate (hex), whose CRL lists it. */
export type RevokedByIssuer = RevokedEntry & { issuerKeyId: string | undefined };

/** The CRLs' entries: revoked certificates not yet expired. */
export async function listRevokedCertificates(db: Db, now: Date): Promise<RevokedByIssuer[]> {
  const rows = await db
    .selectFrom('certificates')
    .select(['serial_hex', 'revoked_at', 'revocation_reason', 'issuer_key_id', 'der'])
    .where('revoked_at', 'is not', null)
    // RFC 5280 §3.3: an entry may go once its certificate has expired; nothing accepts that certificate anyway.
    .where('not_after', '>', now)
    .orderBy('revoked_at')
    .execute();
  return rows.map((row) => ({
    serialHex: row.serial_hex,
    revokedAt: row.revoked_at!,
    // Rows recorded before the issuer was kept are few (revoked and live): read from the certificate itself.
    issuerKeyId: row.issuer_key_id ?? authorityKeyIdOf(row.der),
    ...(row.revocation_reason ? { reason: row.revocation_reason } : {}),
  }));
}
