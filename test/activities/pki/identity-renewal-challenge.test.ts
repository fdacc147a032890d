// A SCEP challenge of purpose `identity-renewal` (what the identity-renewal workflow puts in the enrollment profile
// it reinstalls): the certificate renews the enrollment's current identity, once, for that enrollment only.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPkiActivities, type PkiActivities } from '../../../activities/pki/pki.activities.js';
import { coreSealingKey } from '../../../core/crypto/core-sealing-key.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { sealTo } from '../../../core/crypto/sealed-box.js';
import { CSR_SEALING_CONTEXT } from '../../../core/pki/csr-policy.js';
import { buildCsr } from '../../sim/scep/x509-builder.js';
import { useTestDatabase } from '../../support/test-context.js';

describe('identity-renewal challenges', () => {
  const t = useTestDatabase();
  const keyRing = new KeyRing([{ id: 'k1', key: randomBytes(32) }]);
  let pki: PkiActivities;
  beforeAll(() => {
    pki = createPkiActivities({
      db: t.core.db,
      keyRing,
      pki: {
        organization: 'Acme',
        edgePublicUrl: 'https://mdm.example.com',
        deviceCertificateDays: 365,
        challengeMinutes: 60,
        crlValidityHours: 24,
        edgeTaskQueues: ['edge'],
      },
    });
  });
  afterAll(() => t.drop());

  async function sign(
    enrollmentId: string,
    purpose: 'device-identity' | 'identity-renewal',
    boundTo = enrollmentId,
  ) {
    const { challenge } = await pki.createScepChallenge({
      purpose,
      boundTo: { kind: 'enrollment', id: boundTo },
    });
    const csr = buildCsr({
      ...generateKeyPairSync('rsa', { modulusLength: 2048 }),
      subject: [{ name: 'commonName', value: 'd' }],
      challengePassword: challenge,
    });
    return pki.signScepRequest({
      sealedCsr: sealTo(coreSealingKey(keyRing).recipient, csr, CSR_SEALING_CONTEXT),
      enrollmentId,
    });
  }

  it("renews the enrollment's current identity, and the next renewal renews the successor", async () => {
    const enrollmentId = randomUUID();
    const first = await sign(enrollmentId, 'device-identity');
    expect(first).toMatchObject({ status: 'issued', enrollmentId });
    expect(first).not.toHaveProperty('renewalOf');
    const second = await sign(enrollmentId, 'identity-renewal');
    expect(second).toMatchObject({
      status: 'issued',
      enrollmentId,
      renewalOf: first.status === 'issued' ? first.fingerprint : '',
    });
    const third = await sign(enrollmentId, 'identity-renewal');
    expect(third).toMatchObject({ renewalOf: second.status === 'issued' ? second.fingerprint : '' });
  });

  it('refuses a renewal challenge for an enrollment without an identity, and one bound to another enrollment', async () => {
    expect(await sign(randomUUID(), 'identity-renewal')).toEqual({
      status: 'rejected',
      reason: 'unknown-certificate',
    });
    const mine = randomUUID();
    await sign(mine, 'device-identity');
    const other = randomUUID();
    await sign(other, 'device-identity');
    expect(await sign(mine, 'identity-renewal', other)).toMatchObject({
      status: 'rejected',
      reason: 'foreign',
    });
  });
});
