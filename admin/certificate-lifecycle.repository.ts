// Reads for the certificate-lifecycle routes: what expires soon (by kind) and what identity renewal has asked.
import { X509Certificate } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { CoreDatabase } from '../core/db/core-database.js';
import { pemBlocks } from '../core/pki/pem.js';
import type { Scope } from './auth/rbac.js';
import { inScope } from './device.repository.js';

export type ExpiringKind = 'device-identity' | 'scep-ra' | 'ca' | 'service' | 'push';

export interface ExpiringCertificate {
  kind: ExpiringKind;
  /** Lowercase hex (no leading zeros) for Keep's own certificates; as Apple issued it for the push certificate. */
  serial: string;
  subject: string;
  notAfter: Date;
  /** Device identities only. */
  deviceId?: string;
  enrollmentId?: string;
  /** Device identities only: the successor's fingerprint once a renewal was issued. */
  renewedBy?: string | null;
  /** CA and service certificates: root, issuing, profile-signing, escrow. */
  purpose?: string;
}

const x509Serial = (certificate: X509Certificate) =>
  certificate.serialNumber.toLowerCase().replace(/^0+(?=.)/, '');

/**
 * Certificates in use that expire before `until`, soonest first. Device identities are those of devices in
 * `scope`; the others (RA, CA, service, push) concern the whole installation and are listed for scope `all` only.
 */
export async function listExpiringCertificates(
  db: Kysely<CoreDatabase>,
  until: Date,
  scope: Scope,
): Promise<ExpiringCertificate[]> {
  const identities = await db
    .selectFrom('certificates as c')
    .innerJoin('devices', 'devices.enrollment_id', 'c.enrollment_id')
    .leftJoin('certificates as s', 's.renewal_of', 'c.sha256_fingerprint')
    .select([
      'c.serial_hex',
      'c.subject',
      'c.not_after',
      'c.enrollment_id',
      'devices.id as device_id',
      's.sha256_fingerprint as renewed_by',
    ])
    .where('c.profile', '=', 'device-identity')
    .where('c.revoked_at', 'is', null)
    .where('c.not_after', '<', until)
    .where(inScope(scope))
    .execute();
  const found: ExpiringCertificate[] = identities.map((row) => ({
    kind: 'device-identity',
    serial: row.serial_hex,
    subject: row.subject,
    notAfter: row.not_after,
    deviceId: row.device_id,
    enrollmentId: row.enrollment_id!,
    renewedBy: row.renewed_by,
  }));
  if (scope !== 'all') return sortBySoonest(found);

  // An RA renewed in place leaves its earlier certificates recorded: only each RA's newest is in use.
  const { rows: ras } = await sql<{ serial_hex: string; subject: string; not_after: Date }>`
    select distinct on (subject) serial_hex, subject, not_after from core.certificates
    where profile = 'scep-ra' and revoked_at is null
    order by subject, not_after desc`.execute(db);
  for (const ra of ras)
    if (ra.not_after < until)
      found.push({ kind: 'scep-ra', serial: ra.serial_hex, subject: ra.subject, notAfter: ra.not_after });

  const keys = await db
    .selectFrom('ca_keys')
    .select(['purpose', 'certificate_pem'])
    .where('active', '=', true)
    .execute();
  for (const key of keys) {
    for (const der of pemBlocks(key.certificate_pem, 'CERTIFICATE')) {
      const certificate = new X509Certificate(der);
      const notAfter = new Date(certificate.validTo);
      if (notAfter >= until) continue;
      found.push({
        kind: key.purpose === 'root' || key.purpose === 'issuing' ? 'ca' : 'service',
        purpose: key.purpose,
        serial: x509Serial(certificate),
        subject: certificate.subject.replaceAll('\n', ', '),
        notAfter,
      });
    }
  }

  const push = await db
    .selectFrom('push_certificates')
    .select(['serial_number', 'topic', 'not_after'])
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (push && push.not_after < until)
    found.push({ kind: 'push', serial: push.serial_number, subject: push.topic, notAfter: push.not_after });
  return sortBySoonest(found);
}

function sortBySoonest(found: ExpiringCertificate[]): ExpiringCertificate[] {
  return found.sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime());
}

export interface IdentityRenewalRecord {
  fingerprint: string;
  enrollmentId: string;
  deviceId: string;
  notAfter: Date;
  requestedAt: Date;
  attempts: number;
  runId: string;
  commandUuid: string;
  /** The successor's fingerprint once the core issued it. */
  renewedBy: string | null;
  /** The old identity is revoked once the device has used its successor. */
  predecessorRevoked: boolean;
}

/** What identity renewal asked of devices in `scope`, newest first. */
export async function listIdentityRenewals(
  db: Kysely<CoreDatabase>,
  options: { scope: Scope; limit: number },
): Promise<IdentityRenewalRecord[]> {
  const rows = await db
    .selectFrom('identity_renewals as r')
    .innerJoin('devices', 'devices.id', 'r.device_id')
    .leftJoin('certificates as s', 's.renewal_of', 'r.certificate_fingerprint')
    .leftJoin('certificates as c', 'c.sha256_fingerprint', 'r.certificate_fingerprint')
    .select([
      'r.certificate_fingerprint',
      'r.enrollment_id',
      'r.device_id',
      'r.not_after',
      'r.requested_at',
      'r.attempts',
      'r.run_id',
      'r.command_uuid',
      's.sha256_fingerprint as renewed_by',
      'c.revoked_at',
    ])
    .where(inScope(options.scope))
    .orderBy('r.requested_at', 'desc')
    .orderBy('r.certificate_fingerprint')
    .limit(options.limit)
    .execute();
  return rows.map((row) => ({
    fingerprint: row.certificate_fingerprint,
    enrollmentId: row.enrollment_id,
    deviceId: row.device_id,
    notAfter: row.not_after,
    requestedAt: row.requested_at,
    attempts: row.attempts,
    runId: row.run_id,
    commandUuid: row.command_uuid,
    renewedBy: row.renewed_by,
    predecessorRevoked: row.revoked_at !== null,
  }));
}
