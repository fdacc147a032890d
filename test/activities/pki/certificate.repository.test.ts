import { afterAll, describe, expect, it } from 'vitest';
import {
  findCertificateByFingerprint,
  findCertificateBySerial,
  listRevokedCertificates,
  recordCertificate,
  revokeCertificate,
} from '../../../activities/pki/certificate.repository.js';
import type { NewCertificateRecord } from '../../../core/db/core/certificate.table.js';
import { generateSerialNumber, serialToHex } from '../../../core/pki/serial-number.js';
import { useTestDatabase } from '../../support/test-context.js';

describe('certificate repository', () => {
  const t = useTestDatabase();
  const now = new Date('2026-11-28T10:00:00Z');
  afterAll(() => t.drop());

  const row = (overrides: Partial<NewCertificateRecord> = {}): NewCertificateRecord => ({
    serial_hex: serialToHex(generateSerialNumber()),
    subject: 'CN=dev',
    profile: 'device-identity',
    device_id: null,
    enrollment_id: null,
    not_before: now,
    not_after: now,
    sha256_fingerprint: serialToHex(generateSerialNumber()) + serialToHex(generateSerialNumber()),
    der: Buffer.from('not really a certificate'),
    challenge_hash: null,
    revoked_at: null,
    revocation_reason: null,
    issuer_key_id: 'abcd',
    ...overrides,
  });

  it('finds a recorded certificate by serial and by fingerprint, in any case', async () => {
    const cert = row();
    await recordCertificate(t.core.db, cert);
    expect((await findCertificateBySerial(t.core.db, cert.serial_hex.toUpperCase()))?.der).toEqual(cert.der);
    expect(
      (await findCertificateByFingerprint(t.core.db, cert.sha256_fingerprint.toUpperCase()))?.serial_hex,
    ).toBe(cert.serial_hex);
  });

  it('refuses a repeated serial or fingerprint', async () => {
    const cert = row();
    await recordCertificate(t.core.db, cert);
    await expect(recordCertificate(t.core.db, row({ serial_hex: cert.serial_hex }))).rejects.toThrow(
      /duplicate key/,
    );
    await expect(
      recordCertificate(t.core.db, row({ sha256_fingerprint: cert.sha256_fingerprint })),
    ).rejects.toThrow(/duplicate key/);
  });

  it('revokes once, keeps the first date, and lists the revoked for the CRL until the certificate expires', async () => {
    const cert = row();
    await recordCertificate(t.core.db, cert);
    expect(await revokeCertificate(t.core.db, cert.serial_hex, 'superseded', now)).toBe(true);
    expect(await revokeCertificate(t.core.db, cert.serial_hex, 'keyCompromise', new Date())).toBe(false);
    expect(await revokeCertificate(t.core.db, 'abcdef', 'keyCompromise', now)).toBe(false);
    const entry = { serialHex: cert.serial_hex, revokedAt: now, reason: 'superseded', issuerKeyId: 'abcd' };
    expect(await listRevokedCertificates(t.core.db, new Date(now.getTime() - 60_000))).toContainEqual(entry);
    // not_after is `now`: from then on the entry may leave the CRL (RFC 5280 §3.3).
    expect(await listRevokedCertificates(t.core.db, now)).not.toContainEqual(entry);
  });
});
