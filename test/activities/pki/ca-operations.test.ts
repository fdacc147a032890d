import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadOrCreateCa,
  issueFromCsr,
  publishCrls,
  type LoadedCa,
} from '../../../activities/pki/ca-operations.js';
import {
  findCertificateBySerial,
  revokeCertificate,
} from '../../../activities/pki/certificate.repository.js';
import { createChallenge, findChallenge } from '../../../activities/pki/scep-challenge.repository.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { derToPem } from '../../../core/pki/pem.js';
import { generateChallenge, hashChallenge } from '../../../core/pki/scep-challenge.js';
import { opensslCsr, scratch, type Scratch } from '../../core/pki/openssl.js';
import { useTestDatabase } from '../../support/test-context.js';

describe('CA service', () => {
  const t = useTestDatabase();
  let s: Scratch;
  let ca: LoadedCa;
  const keyRing = new KeyRing([{ id: 'k1', key: randomBytes(32) }]);
  const pepper = randomBytes(32);
  const now = new Date();
  const enrollmentId = randomUUID();
  const boundTo = { kind: 'enrollment', id: enrollmentId } as const;

  beforeAll(async () => {
    s = scratch();
    ca = await loadOrCreateCa(t.core.db, keyRing, { organization: 'Acme', now });
    s.write('root.pem', ca.rootPem);
    s.write('issuing.pem', ca.issuing.certificatePem);
  });
  afterAll(async () => {
    s.remove();
    await t.drop();
  });

  const challengeFor = async () => {
    const challenge = generateChallenge();
    await createChallenge(t.core.db, {
      hash: hashChallenge(challenge, pepper),
      purpose: 'device-identity',
      boundTo,
      expiresAt: new Date(now.getTime() + 600_000),
    });
    return challenge;
  };
  const issue = (csrDer: Buffer) =>
    issueFromCsr(t.core.db, {
      ca: ca.issuing,
      csrDer,
      profile: 'device-identity',
      template: { commonName: 'dev', sans: [{ type: 'uri', value: 'urn:keep:device:dev' }] },
      purpose: 'device-identity',
      boundTo,
      challengePepper: pepper,
      enrollmentId,
      now,
    });

  it('stores the CA sealed on first start and loads the same CA on the next', async () => {
    const rows = await t.core.db.selectFrom('ca_keys').selectAll().execute();
    expect(rows.map((r) => r.purpose).sort()).toEqual(['escrow', 'issuing', 'profile-signing', 'root']);
    for (const row of rows) expect(row.sealed_private_key).not.toContain('PRIVATE KEY');
    const again = await loadOrCreateCa(t.core.db, keyRing, { organization: 'Other', now });
    expect(again.issuing.certificatePem).toBe(ca.issuing.certificatePem);
    expect(again.rootPem).toBe(ca.rootPem);
    expect(again.escrow.certificatePem).toBe(ca.escrow.certificatePem);
    expect(again.profileSigning.privateKey.equals(ca.profileSigning.privateKey)).toBe(true);
  });

  it('cannot open the stored keys with another key ring', async () => {
    const stranger = new KeyRing([{ id: 'k1', key: randomBytes(32) }]);
    await expect(loadOrCreateCa(t.core.db, stranger, { organization: 'Acme', now })).rejects.toThrow(
      /failed authentication/,
    );
  });

  it('issues the profile-signing and escrow certificates from the issuing CA', () => {
    s.write('escrow.pem', ca.escrow.certificatePem);
    s.write('signing.pem', ca.profileSigning.certificatePem);
    expect(
      s.openssl('verify', '-CAfile', 'root.pem', '-untrusted', 'issuing.pem', 'escrow.pem', 'signing.pem'),
    ).toMatch(/escrow.pem: OK\n.*signing.pem: OK/);
  });

  it('issues from a CSR with a valid challenge and records the certificate', async () => {
    const csr = opensslCsr(s, 'dev', ['-newkey', 'rsa:2048'], { challengePassword: await challengeFor() });
    const outcome = await issue(csr);
    if (outcome.status !== 'issued') throw new Error(outcome.message);
    const row = await findCertificateBySerial(t.core.db, outcome.certificate.serialHex);
    expect(row).toMatchObject({ profile: 'device-identity', enrollment_id: enrollmentId, subject: 'CN=dev' });
    expect(row?.sha256_fingerprint).toBe(outcome.certificate.sha256Fingerprint);
  });

  it('returns the same certificate when the same request is retried, and refuses the challenge to another key', async () => {
    const challenge = await challengeFor();
    const csr = opensslCsr(s, 'retry', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], {
      challengePassword: challenge,
    });
    const first = await issue(csr);
    const second = await issue(csr);
    expect(second).toEqual(first);
    const other = opensslCsr(s, 'other', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], {
      challengePassword: challenge,
    });
    expect(await issue(other)).toMatchObject({ status: 'rejected', reason: 'used' });
  });

  it('refuses a weak key without consuming the challenge, and a CSR without a challenge', async () => {
    const challenge = await challengeFor();
    const weak = opensslCsr(s, 'weak', ['-newkey', 'rsa:1024'], { challengePassword: challenge });
    expect(await issue(weak)).toMatchObject({ status: 'rejected', reason: 'weak-key' });
    expect((await findChallenge(t.core.db, hashChallenge(challenge, pepper)))?.usedAt).toBeNull();
    const none = opensslCsr(s, 'none', ['-newkey', 'rsa:2048']);
    expect(await issue(none)).toMatchObject({ status: 'rejected', reason: 'unknown' });
  });

  it('publishes numbered CRLs that make openssl refuse a revoked certificate', async () => {
    const csr = opensslCsr(s, 'revokee', ['-newkey', 'rsa:2048'], {
      challengePassword: await challengeFor(),
    });
    const outcome = await issue(csr);
    if (outcome.status !== 'issued') throw new Error(outcome.message);
    s.write('revokee.pem', outcome.certificate.pem);
    expect(await revokeCertificate(t.core.db, outcome.certificate.serialHex, 'keyCompromise', now)).toBe(
      true,
    );
    expect(await revokeCertificate(t.core.db, outcome.certificate.serialHex, 'superseded', now)).toBe(false);

    const [first] = (await publishCrls(t.core.db, ca.crlIssuers, { now, validityHours: 168 })).crls;
    const [second] = (await publishCrls(t.core.db, ca.crlIssuers, { now, validityHours: 168 })).crls;
    expect(second!.number).toBe(first!.number + 1);
    s.write('crl.pem', derToPem(second!.der, 'X509 CRL'));
    expect(() =>
      s.openssl(
        'verify',
        '-crl_check',
        '-CRLfile',
        'crl.pem',
        '-CAfile',
        'root.pem',
        '-untrusted',
        'issuing.pem',
        'revokee.pem',
      ),
    ).toThrow(/certificate revoked/);
  });
});
