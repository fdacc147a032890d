// The core's own check of an ACME device-attest-01 order before it signs: an edge that skipped its checks (a
// compromised one) still gets no identity for a forged attestation, another key or a device Keep does not expect.
import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPkiActivities, type PkiActivities } from '../../../activities/pki/pki.activities.js';
import { coreSealingKey } from '../../../core/crypto/core-sealing-key.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { sealTo } from '../../../core/crypto/sealed-box.js';
import { CSR_SEALING_CONTEXT } from '../../../core/pki/csr-policy.js';
import { AttestingDevice, ecCsr } from '../../sim/acme/attesting-device.js';
import {
  attestationObject,
  createTestAttestationCa,
  freshnessCode,
} from '../../sim/acme/test-attestation-ca.js';
import { useTestDatabase } from '../../support/test-context.js';

describe('signAttestedRequest', () => {
  const t = useTestDatabase();
  const keyRing = new KeyRing([{ id: 'k1', key: randomBytes(32) }]);
  const ca = createTestAttestationCa();
  const foreign = createTestAttestationCa('Not Apple');
  const rootFile = join(mkdtempSync(join(tmpdir(), 'keep-attest-')), 'root.pem');
  writeFileSync(rootFile, ca.rootPem);
  const token = 'order-token';
  let pki: PkiActivities;

  /** What an edge would send for `device`: its CSR sealed to the core, the attestation and the token. */
  function request(
    device: AttestingDevice,
    options: { attestationCa?: typeof ca; csrKey?: typeof device.identityKey } = {},
  ) {
    const x5c = (options.attestationCa ?? ca).attest(device.identityKey.publicKey, {
      serialNumber: device.serialNumber,
      udid: device.udid,
      nonce: freshnessCode(token),
    });
    const key = options.csrKey ?? device.identityKey;
    return {
      sealedCsr: sealTo(
        coreSealingKey(keyRing).recipient,
        ecCsr(key.publicKey, key.privateKey, 'device'),
        CSR_SEALING_CONTEXT,
      ),
      attestationBase64: attestationObject(x5c).toString('base64'),
      token,
    };
  }

  /** A device Apple Business Manager assigned to Keep, with a zero-touch enrollment waiting for it. */
  async function stagedDevice(): Promise<{ device: AttestingDevice; enrollmentId: string }> {
    const device = new AttestingDevice(() => Promise.reject(new Error('no network')), '', ca);
    const serverId = randomUUID();
    const depDeviceId = randomUUID();
    const enrollmentId = randomUUID();
    await t.core.db
      .insertInto('dep_servers')
      .values({ id: serverId, certificate_pem: 'unused', sealed_key: 'unused' })
      .execute();
    await t.core.db
      .insertInto('dep_devices')
      .values({ serial_number: device.serialNumber, id: depDeviceId, server_id: serverId })
      .execute();
    await t.core.db
      .insertInto('zero_touch_enrollments')
      .values({ enrollment_id: enrollmentId, dep_device_id: depDeviceId, status: 'waiting-for-device' })
      .execute();
    return { device, enrollmentId };
  }

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
        acmeAttestationRootFile: rootFile,
      },
    });
  });
  afterAll(() => t.drop());

  it('issues a zero-touch device its identity for the attested key, naming its enrollment', async () => {
    const { device, enrollmentId } = await stagedDevice();
    const outcome = await pki.signAttestedRequest(request(device));
    expect(outcome).toMatchObject({ status: 'issued', enrollmentId });
    const cert = new X509Certificate(
      Buffer.from((outcome as { certificateBase64: string }).certificateBase64, 'base64'),
    );
    expect(cert.publicKey.equals(device.identityKey.publicKey)).toBe(true);
    expect(cert.subjectAltName).toContain(`urn:keep:enrollment:${enrollmentId}`);
  });

  it('refuses what an edge should have refused: another root, another key, an unknown device', async () => {
    const { device } = await stagedDevice();
    expect(await pki.signAttestedRequest(request(device, { attestationCa: foreign }))).toEqual({
      status: 'rejected',
      reason: 'bad-attestation',
    });
    expect(await pki.signAttestedRequest(request(device, { csrKey: device.accountKey }))).toEqual({
      status: 'rejected',
      reason: 'key-not-attested',
    });
    const stranger = new AttestingDevice(() => Promise.reject(new Error('no network')), '', ca);
    expect(await pki.signAttestedRequest(request(stranger))).toEqual({
      status: 'rejected',
      reason: 'unknown-device',
    });
  });
});
