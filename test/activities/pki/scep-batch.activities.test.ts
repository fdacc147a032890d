import { generateKeyPairSync, randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPkiActivities, type PkiActivities } from '../../../activities/pki/pki.activities.js';
import {
  createScepBatchActivities,
  type ScepBatchActivities,
} from '../../../activities/pki/scep-batch.activities.js';
import { coreSealingKey } from '../../../core/crypto/core-sealing-key.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { sealTo } from '../../../core/crypto/sealed-box.js';
import { CSR_SEALING_CONTEXT } from '../../../core/pki/csr-policy.js';
import { buildCsr } from '../../sim/scep/x509-builder.js';
import { useTestDatabase } from '../../support/test-context.js';

describe('SCEP batch signing', () => {
  const t = useTestDatabase();
  let pki: PkiActivities;
  let batch: ScepBatchActivities;
  const enrollmentId = randomUUID();

  const keyRing = new KeyRing([{ id: 'k1', key: randomBytes(32) }]);
  // As the edge sends it: sealed to the core's key (it carries the challenge).
  const seal = (csr: Buffer) => sealTo(coreSealingKey(keyRing).recipient, csr, CSR_SEALING_CONTEXT);

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
    batch = createScepBatchActivities({ db: t.core.db, pki, keyRing });
  });
  afterAll(() => t.drop());

  const request = async (options: { challenge?: string; bits?: number } = {}) => {
    const keys = generateKeyPairSync('rsa', { modulusLength: options.bits ?? 2048 });
    const challenge =
      options.challenge ??
      (
        await pki.createScepChallenge({
          purpose: 'device-identity',
          boundTo: { kind: 'enrollment', id: enrollmentId },
        })
      ).challenge;
    const csr = buildCsr({
      ...keys,
      subject: [{ name: 'commonName', value: 'd' }],
      challengePassword: challenge,
    });
    return { key: randomBytes(20).toString('hex'), sealedCsr: seal(csr), enrollmentId, keys };
  };
  const item = ({ key, sealedCsr }: { key: string; sealedCsr: string }) => ({ key, sealedCsr, enrollmentId });

  it('issues every good request of a batch and rejects only the bad one', async () => {
    const good = await Promise.all([request(), request(), request()]);
    const weak = await request({ bits: 1024 });
    const { outcomes } = await batch.signScepBatch({ items: [good[0], weak, good[1], good[2]].map(item) });
    expect(outcomes.map((o) => o.status)).toEqual(['issued', 'rejected', 'issued', 'issued']);
    for (const [i, outcome] of [outcomes[0], outcomes[2], outcomes[3]].entries()) {
      if (outcome?.status !== 'issued') throw new Error('not issued');
      const certificate = new X509Certificate(Buffer.from(outcome.certificateBase64, 'base64'));
      expect(certificate.publicKey.equals(good[i]!.keys.publicKey)).toBe(true);
    }
  });

  it('signs a retried transaction once: the retry gets the recorded certificate, also within one batch', async () => {
    const first = await request();
    const { outcomes } = await batch.signScepBatch({ items: [item(first), item(first)] });
    expect(outcomes[0]).toEqual(outcomes[1]);
    const retried = await batch.signScepBatch({ items: [item(first)] });
    expect(retried.outcomes[0]).toEqual(outcomes[0]);
    const rows = await t.core.db
      .selectFrom('certificates')
      .select('serial_hex')
      .where('enrollment_id', '=', enrollmentId)
      .where('sha256_fingerprint', '=', outcomes[0]!.status === 'issued' ? outcomes[0]!.fingerprint : '')
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('in one batch, signs a retried transaction once and refuses a second key presenting the same challenge', async () => {
    const device = await request();
    const { challenge } = await pki.createScepChallenge({
      purpose: 'device-identity',
      boundTo: { kind: 'enrollment', id: enrollmentId },
    });
    const owner = await request({ challenge });
    const thief = await request({ challenge });
    const { outcomes } = await batch.signScepBatch({
      items: [item(owner), item(device), item(thief), item(owner)],
    });
    expect(outcomes.map((o) => o.status)).toEqual(['issued', 'issued', 'rejected', 'issued']);
    expect(outcomes[3]).toEqual(outcomes[0]);
    expect(outcomes[2]).toEqual({ status: 'rejected', reason: 'used' });
    if (outcomes[0]?.status !== 'issued') throw new Error('not issued');
    const certificate = new X509Certificate(Buffer.from(outcomes[0].certificateBase64, 'base64'));
    expect(certificate.publicKey.equals(owner.keys.publicKey)).toBe(true);
    const issuedForOwner = await t.core.db
      .selectFrom('certificates')
      .select('sha256_fingerprint')
      .where('challenge_hash', 'in', (eb) =>
        eb
          .selectFrom('certificates')
          .select('challenge_hash')
          .where('sha256_fingerprint', '=', outcomes[0]!.status === 'issued' ? outcomes[0]!.fingerprint : ''),
      )
      .execute();
    expect(issuedForOwner).toHaveLength(1);
    // The same key with the used challenge under a new transaction (a device starting over) gets its certificate.
    const again = await batch.signScepBatch({
      items: [{ ...item(owner), key: randomBytes(20).toString('hex') }],
    });
    expect(again.outcomes[0]).toEqual(outcomes[0]);
  });

  it('never answers a transaction with the certificate of another key that used its key first', async () => {
    const victim = await request();
    await batch.signScepBatch({ items: [item(victim)] });
    const other = await request();
    const { outcomes } = await batch.signScepBatch({ items: [{ ...item(other), key: victim.key }] });
    expect(outcomes[0]).toEqual({ status: 'rejected', reason: 'transaction-mismatch' });
  });

  it('reads back recorded outcomes by transaction key, and nothing for a key never signed', async () => {
    const signed = await request();
    const { outcomes } = await batch.signScepBatch({ items: [item(signed)] });
    const read = await batch.findScepOutcomes({ keys: [signed.key, 'f'.repeat(40)] });
    expect(read.outcomes).toEqual([outcomes[0], null]);
  });
});
