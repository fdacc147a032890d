// One CRL per issuing CA across a rollover: the retiring (and then retired) CA keeps signing the CRL of the
// certificates it issued until the last of them expires, the active CA signs its own, each certificate names its
// own CA's CRL, and openssl's revocation check agrees for a certificate of each CA.
import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaRolloverActivities } from '../../../activities/pki/ca-rollover.activities.js';
import {
  destroyExpiredCaKeys,
  loadOrCreateCa,
  publishCrls,
  recordIssued,
  type CaCrl,
} from '../../../activities/pki/ca-operations.js';
import { revokeCertificate } from '../../../activities/pki/certificate.repository.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { generateRsaKey } from '../../../core/pki/ca-create.js';
import type { CertificateAuthority } from '../../../core/pki/certificate-authority.js';
import { issueCertificate, type IssuedCertificate } from '../../../core/pki/issue-certificate.js';
import { derToPem } from '../../../core/pki/pem.js';
import { generateSerialNumber } from '../../../core/pki/serial-number.js';
import { scratch, type Scratch } from '../../core/pki/openssl.js';
import { useTestDatabase } from '../../support/test-context.js';

const CRL_BASE = 'https://edge.example/pki/crl';

describe('per-CA CRLs across a CA rollover', () => {
  const t = useTestDatabase();
  const keyRing = new KeyRing([{ id: 'k1', key: randomBytes(32) }]);
  let s: Scratch;
  let rootPem: string;
  let oldCa: CertificateAuthority;
  let newCa: CertificateAuthority;
  const issued: Record<'oldRevoked' | 'oldLive' | 'newRevoked' | 'newLive', IssuedCertificate> = {} as never;

  const issue = async (ca: CertificateAuthority, validityDays = 30) => {
    const certificate = issueCertificate({
      ca,
      publicKey: generateRsaKey(2048).publicKey,
      profile: 'device-identity',
      template: { commonName: randomUUID(), validityDays },
      serial: generateSerialNumber(),
      now: new Date(),
      crlUrl: CRL_BASE,
    });
    await recordIssued(t.core.db, certificate, 'device-identity', {});
    return certificate;
  };
  const publish = async () =>
    publishCrls(t.core.db, (await loadOrCreateCa(t.core.db, keyRing, { organization: 'Acme' })).crlIssuers, {
      now: new Date(),
      validityHours: 24,
    });
  const keyIdOf = (ca: CertificateAuthority) => ca.keyId.toString('hex');

  /** openssl's verdict on one certificate with the root, both issuing CAs and every CRL Keep published. */
  const verify = (leaf: IssuedCertificate, crls: CaCrl[]) => {
    s.write('chain.pem', rootPem + oldCa.certificatePem + newCa.certificatePem);
    s.write('crls.pem', crls.map((crl) => derToPem(crl.der, 'X509 CRL')).join(''));
    s.write('leaf.pem', leaf.pem);
    try {
      return s.openssl('verify', '-crl_check', '-CAfile', 'chain.pem', '-CRLfile', 'crls.pem', 'leaf.pem');
    } catch (error) {
      return (error as Error).message;
    }
  };

  beforeAll(async () => {
    s = scratch();
    const first = await loadOrCreateCa(t.core.db, keyRing, { organization: 'Acme' });
    rootPem = first.rootPem;
    oldCa = first.issuing;
    issued.oldRevoked = await issue(oldCa);
    issued.oldLive = await issue(oldCa);
    const rollover = createCaRolloverActivities({
      db: t.core.db,
      keyRing,
      pki: { organization: 'Acme' },
      crlUrl: CRL_BASE,
    });
    const rolloverId = randomUUID();
    await rollover.introduceIssuingCa({ rolloverId });
    await rollover.activateIssuingCa({ rolloverId });
    newCa = (await loadOrCreateCa(t.core.db, keyRing, { organization: 'Acme' })).issuing;
    issued.newRevoked = await issue(newCa);
    issued.newLive = await issue(newCa);
    for (const certificate of [issued.oldRevoked, issued.newRevoked])
      await revokeCertificate(t.core.db, certificate.serialHex, 'keyCompromise', new Date());
  });
  afterAll(async () => {
    s.remove();
    await t.drop();
  });

  it('names its own CA’s CRL in each certificate’s distribution point', () => {
    const cdp = (certificate: IssuedCertificate) =>
      s.openssl(
        'x509',
        '-in',
        s.write('cdp.pem', certificate.pem),
        '-noout',
        '-ext',
        'crlDistributionPoints',
      );
    expect(cdp(issued.oldLive)).toContain(`${CRL_BASE}/${keyIdOf(oldCa)}`);
    expect(cdp(issued.newLive)).toContain(`${CRL_BASE}/${keyIdOf(newCa)}`);
  });

  it('publishes a CRL signed by each CA listing only that CA’s revocations, and openssl agrees', async () => {
    const { crls } = await publish();
    expect(crls.map((crl) => crl.issuerKeyId).sort()).toEqual([keyIdOf(oldCa), keyIdOf(newCa)].sort());
    for (const crl of crls) {
      const text = s.openssl('crl', '-inform', 'DER', '-in', s.write('one.crl', crl.der), '-noout', '-text');
      const [mine, theirs] = crl.issuerKeyId === keyIdOf(oldCa) ? ['old', 'new'] : ['new', 'old'];
      const serial = (certificate: IssuedCertificate) => certificate.serialHex.toUpperCase();
      expect(text).toContain(serial(issued[`${mine}Revoked` as 'oldRevoked']));
      expect(text).not.toContain(serial(issued[`${theirs}Revoked` as 'oldRevoked']));
    }
    expect(verify(issued.oldLive, crls)).toContain('leaf.pem: OK');
    expect(verify(issued.newLive, crls)).toContain('leaf.pem: OK');
    expect(verify(issued.oldRevoked, crls)).toContain('certificate revoked');
    expect(verify(issued.newRevoked, crls)).toContain('certificate revoked');
  });

  it('keeps the retired CA’s key and CRL while its certificates live, and destroys the key after the last', async () => {
    const rollover = createCaRolloverActivities({
      db: t.core.db,
      keyRing,
      pki: { organization: 'Acme' },
      crlUrl: CRL_BASE,
    });
    await rollover.retireIssuingCa();
    expect(await destroyExpiredCaKeys(t.core.db, new Date())).toBe(0);
    const { crls } = await publish();
    expect(crls.map((crl) => crl.issuerKeyId)).toContain(keyIdOf(oldCa));
    expect(verify(issued.oldRevoked, crls)).toContain('certificate revoked');
    expect(verify(issued.oldLive, crls)).toContain('leaf.pem: OK');

    // Once every certificate the retired CA issued has expired (none outlives the CA), its key goes and it
    // publishes no more.
    const afterLast = new Date(oldCa.notAfter.getTime() + 1_000);
    expect(await destroyExpiredCaKeys(t.core.db, afterLast)).toBe(1);
    const retired = await t.core.db
      .selectFrom('ca_keys')
      .select(['sealed_private_key', 'certificate_pem'])
      .where('purpose', '=', 'issuing')
      .where('state', '=', 'retired')
      .executeTakeFirstOrThrow();
    expect(retired.sealed_private_key).toBeNull();
    expect(new X509Certificate(retired.certificate_pem).raw.equals(oldCa.certificateDer)).toBe(true);
    expect(
      (
        await publishCrls(
          t.core.db,
          (await loadOrCreateCa(t.core.db, keyRing, { organization: 'Acme' })).crlIssuers,
          { now: new Date(), validityHours: 24 },
        )
      ).crls.map((crl) => crl.issuerKeyId),
    ).toEqual([keyIdOf(newCa)]);
  });
});
