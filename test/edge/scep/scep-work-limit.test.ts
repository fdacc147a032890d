// A SCEP flood from one peer is turned away with 503 while a device keeps checking in through the same edge.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPkiActivities } from '../../../activities/pki/pki.activities.js';
import type { PlistValue } from '../../../core/apple/plist-codec.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { buildPkiMessage, transactionIdFor } from '../../../core/scep/index.js';
import { ScepClient } from '../../sim/scep/scep-client.js';
import { buildCertificate, buildCsr } from '../../sim/scep/x509-builder.js';
import { signedRequest, type Identity } from '../../support/apple-requests.js';
import { serveEdge, type ServedEdge } from '../../support/served-edge.js';
import { useTestPlanes } from '../../support/test-context.js';

const UDID = '00008020-000F10D0C3D4E002E';

describe('SCEP work limit', () => {
  const planes = useTestPlanes({
    edgeEnv: { KEEP_EDGE_SCEP_MAX_CONCURRENT_PER_PEER: '2', KEEP_EDGE_SCEP_MAX_CONCURRENT: '4' },
  });
  let edge: ServedEdge;
  const enrollmentId = 'a4b0c2d6-1e3f-4a5b-8c7d-9e0f1a2b3c4d';

  beforeAll(async () => {
    edge = await serveEdge(planes);
  }, 120_000);
  afterAll(async () => {
    await edge?.close();
  });

  const scep = () =>
    new ScepClient({ url: `${edge.baseUrl}/scep/${enrollmentId}`, pollIntervalMs: 50, maxPolls: 100 });
  const put = (path: string, message: Record<string, PlistValue>, identity: Identity) => {
    const request = signedRequest(path, message, identity);
    return fetch(`${edge.baseUrl}${path}`, {
      method: 'PUT',
      headers: request.headers,
      body: request.body,
      duplex: 'half',
    });
  };

  it('answers a flood of PKCSReqs from one peer with 503 and Retry-After while check-ins from a device all succeed', async () => {
    const pki = createPkiActivities({
      db: planes.database.core.db,
      keyRing: KeyRing.parse(planes.coreConfig.core.secretKeys),
      pki: planes.coreConfig.core,
    });
    const { challenge } = await pki.createScepChallenge({
      purpose: 'device-identity',
      boundTo: { kind: 'enrollment', id: enrollmentId },
    });
    const issued = await scep().enroll({
      subject: [{ name: 'commonName', value: 'flood survivor' }],
      challengePassword: challenge,
    });
    const device: Identity = { cert: issued.certificate, key: issued.privateKey };
    const topic = 'com.apple.mgmt.External.test';
    expect(
      (await put('/mdm/checkin', { MessageType: 'Authenticate', UDID, Topic: topic }, device)).status,
    ).toBe(200);
    expect(
      (
        await put(
          '/mdm/checkin',
          { MessageType: 'TokenUpdate', UDID, Topic: topic, Token: Buffer.alloc(32, 3), PushMagic: 'magic' },
          device,
        )
      ).status,
    ).toBe(200);

    // Each flood request carries a well-formed challenge nobody issued: it passes the edge's pre-check, so it
    // costs an RSA unwrap and a round trip to the core before it is refused — the expensive kind.
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const subject = [{ name: 'commonName', value: 'flood' }];
    const signer = {
      certificate: buildCertificate({ publicKey: keys.publicKey, selfSignKey: keys.privateKey, subject }),
      key: keys.privateKey,
    };
    const csr = buildCsr({ ...keys, subject, challengePassword: randomBytes(32).toString('base64url') });
    const [ra] = await scep().getCaCert();
    const { der } = buildPkiMessage({
      type: 'PKCSReq',
      messageData: csr,
      transactionId: transactionIdFor(keys.publicKey),
      signerCertificate: signer.certificate,
      signerKey: signer.key,
      recipientCertificate: ra!,
    });
    const flood = Array.from({ length: 40 }, async () => {
      const response = await fetch(`${edge.baseUrl}/scep/${enrollmentId}?operation=PKIOperation`, {
        method: 'POST',
        body: new Uint8Array(der),
      });
      await response.arrayBuffer();
      return { status: response.status, retryAfter: response.headers.get('retry-after') };
    });
    const checkins: number[] = [];
    for (let i = 0; i < 10; i++) {
      checkins.push((await put('/mdm/connect', { Status: 'Idle', UDID }, device)).status);
    }
    const outcomes = await Promise.all(flood);
    expect(checkins).toEqual(Array(10).fill(200));
    const refused = outcomes.filter((o) => o.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((o) => /^\d+$/.test(o.retryAfter ?? ''))).toBe(true);
    // The rest were let through and answered (a signed CertRep FAILURE: nobody issued that challenge).
    expect(outcomes.every((o) => o.status === 200 || o.status === 503)).toBe(true);

    const busy = await fetch(`${edge.baseUrl}/scep/${enrollmentId}?operation=GetCACaps`);
    expect(busy.status).toBe(200); // only PKIOperation is limited
  });
});
