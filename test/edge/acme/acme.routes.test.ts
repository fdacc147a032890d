// ACME with device-attest-01 end to end through the real edge, Temporal and core: a simulated device with a
// test attestation CA standing in for Apple's gets an identity bound to its enrollment, and every forgery is
// refused with its RFC 8555 problem type.
import { generateKeyPairSync, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pemBlocks } from '../../../core/pki/pem.js';
import { AttestingDevice } from '../../../test/sim/acme/attesting-device.js';
import { createTestAttestationCa } from '../../../test/sim/acme/test-attestation-ca.js';
import { opensslVerify } from '../../support/openssl-verify.js';
import { useTestPlanes } from '../../support/test-context.js';

const WAIT_MS = 30_000;
const DIRECTORY = 'https://127.0.0.1:8443/acme/directory';
const attestationCa = createTestAttestationCa();
const foreignCa = createTestAttestationCa('Some Other Attestation Root');
const rootFile = join(mkdtempSync(join(tmpdir(), 'keep-acme-')), 'attestation-root.pem');
writeFileSync(rootFile, attestationCa.rootPem);

describe('ACME device-attest-01', () => {
  const planes = useTestPlanes({
    edgeEnv: { KEEP_EDGE_ACME_ATTESTATION_ROOT_FILE: rootFile },
    coreEnv: { KEEP_CORE_ACME_ATTESTATION_ROOT_FILE: rootFile },
  });
  const fetch = (url: string, init?: RequestInit) => Promise.resolve(planes.edgeApp.request(url, init));

  /** A device Keep manages (as after an ADE enrolment), so that its attested identity has an enrollment. */
  async function knownDevice(): Promise<{ device: AttestingDevice; enrollmentId: string; deviceId: string }> {
    const device = new AttestingDevice(fetch, DIRECTORY, attestationCa);
    const enrollmentId = randomUUID();
    const deviceId = randomUUID();
    await planes.database.core.db
      .insertInto('devices')
      .values({
        id: deviceId,
        platform: 'apple',
        enrollment_id: enrollmentId,
        udid: device.udid,
        serial_number: device.serialNumber,
        enrollment_status: 'enrolled',
      })
      .execute();
    return { device, enrollmentId, deviceId };
  }

  /** A registered device with an order and its challenge, ready to answer it. */
  async function atChallenge(device: AttestingDevice) {
    await device.register();
    const order = await device.newOrder();
    return { order, challenge: await device.challenge(order) };
  }

  let known: Awaited<ReturnType<typeof knownDevice>>;
  beforeAll(async () => {
    known = await knownDevice();
  });

  it('issues a known device an identity for its attested key, bound to its enrollment', async () => {
    const { chainPem, order } = await known.device.enroll(WAIT_MS);
    expect(order.body.status).toBe('valid');
    const [leafDer] = pemBlocks(chainPem, 'CERTIFICATE');
    const leaf = new X509Certificate(leafDer!);
    expect(leaf.publicKey.equals(known.device.identityKey.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toContain(`urn:keep:enrollment:${known.enrollmentId}`);
    const { verdict } = opensslVerify(chainPem, planes.trust.chain());
    expect(verdict).toContain('OK');
    // The edge binds it as a SCEP identity is bound; the core records it for the device.
    const issued = await planes.database.edge.db
      .selectFrom('issued_identities')
      .selectAll()
      .where('fingerprint', '=', leaf.fingerprint256.replace(/:/g, '').toLowerCase())
      .executeTakeFirst();
    expect(issued?.enrollment_id).toBe(known.enrollmentId);
    const recorded = await planes.database.core.db
      .selectFrom('certificates')
      .select(['device_id', 'enrollment_id', 'profile'])
      .where('enrollment_id', '=', known.enrollmentId)
      .executeTakeFirstOrThrow();
    expect(recorded).toEqual({
      device_id: known.deviceId,
      enrollment_id: known.enrollmentId,
      profile: 'device-identity',
    });
  });

  it('refuses an attestation whose freshness code is for another challenge', async () => {
    const { device } = await knownDevice();
    const { challenge } = await atChallenge(device);
    const answer = await device.respond(challenge.url, device.attestation('some-other-token'));
    expect(answer.status).toBe(400);
    expect(answer.body.type).toBe('urn:ietf:params:acme:error:badAttestationStatement');
    expect(answer.headers.get('replay-nonce')).toBeTruthy();
  });

  it('refuses an attestation chain that ends at another root', async () => {
    const { device } = await knownDevice();
    const { challenge } = await atChallenge(device);
    const answer = await device.respond(challenge.url, device.attestation(challenge.token, {}, foreignCa));
    expect(answer.body.type).toBe('urn:ietf:params:acme:error:badAttestationStatement');
  });

  it("refuses an attestation for another device than the order's", async () => {
    const { device } = await knownDevice();
    const { challenge } = await atChallenge(device);
    const answer = await device.respond(
      challenge.url,
      device.attestation(challenge.token, { serialNumber: 'C02OTHERDEV1', udid: randomUUID() }),
    );
    expect(answer.body.type).toBe('urn:ietf:params:acme:error:badAttestationStatement');
  });

  it('refuses a CSR whose key is not the attested key', async () => {
    const { device } = await knownDevice();
    const { order, challenge } = await atChallenge(device);
    expect((await device.respond(challenge.url, device.attestation(challenge.token))).status).toBe(200);
    const answer = await device.finalize(order, device.accountKey);
    expect(answer.status).toBe(400);
    expect(answer.body.type).toBe('urn:ietf:params:acme:error:badCSR');
  });

  it('refuses a device Keep does not expect, even with a valid attestation', async () => {
    const device = new AttestingDevice(fetch, DIRECTORY, attestationCa);
    const { order, challenge } = await atChallenge(device);
    expect((await device.respond(challenge.url, device.attestation(challenge.token))).status).toBe(200);
    const finalized = await device.finalize(order);
    const answer =
      finalized.body.status === 'processing'
        ? await device.settled(order.headers.get('location')!, WAIT_MS)
        : finalized;
    const problem = (answer.body.error as Record<string, unknown> | undefined) ?? answer.body;
    expect(problem.type).toBe('urn:ietf:params:acme:error:rejectedIdentifier');
  });

  it('refuses a replayed nonce', async () => {
    const { device } = await knownDevice();
    await device.register();
    const nonce = await device.newNonce();
    expect((await device.newOrder()).status).toBe(201);
    const first = await device.post(device.accountUrl!, '', { nonce });
    expect(first.status).toBe(200);
    const replayed = await device.post(device.accountUrl!, '', { nonce });
    expect(replayed.status).toBe(400);
    expect(replayed.body.type).toBe('urn:ietf:params:acme:error:badNonce');
  });

  it('refuses a JWS whose url is not the one it was sent to', async () => {
    const { device } = await knownDevice();
    await device.register();
    const urls = await device.urls();
    const answer = await device.post(urls.newOrder, { identifiers: [] }, { url: device.accountUrl! });
    expect(answer.status).toBe(403);
    expect(answer.body.type).toBe('urn:ietf:params:acme:error:unauthorized');
  });

  it('refuses a JWS not signed by the account key', async () => {
    const { device } = await knownDevice();
    await device.register();
    const answer = await device.post(
      (await device.urls()).newOrder,
      { identifiers: [{ type: 'permanent-identifier', value: device.serialNumber }] },
      { key: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey },
    );
    expect(answer.status).toBe(400);
    expect(answer.body.type).toBe('urn:ietf:params:acme:error:malformed');
  });
});

describe('ACME finalize with a slow core', () => {
  // The edge waits only 1 ms for the core: finalize answers `processing`, and the device polls its order.
  const planes = useTestPlanes({
    scepSignTimeoutMs: 1,
    edgeEnv: { KEEP_EDGE_ACME_ATTESTATION_ROOT_FILE: rootFile },
    coreEnv: { KEEP_CORE_ACME_ATTESTATION_ROOT_FILE: rootFile },
  });
  const fetch = (url: string, init?: RequestInit) => Promise.resolve(planes.edgeApp.request(url, init));

  it('answers processing with Retry-After, then delivers the certificate on a later poll', async () => {
    const device = new AttestingDevice(fetch, DIRECTORY, attestationCa);
    await planes.database.core.db
      .insertInto('devices')
      .values({
        id: randomUUID(),
        platform: 'apple',
        enrollment_id: randomUUID(),
        udid: device.udid,
        serial_number: device.serialNumber,
        enrollment_status: 'enrolled',
      })
      .execute();
    await device.register();
    const order = await device.newOrder();
    const { url, token } = await device.challenge(order);
    await device.respond(url, device.attestation(token));
    const finalized = await device.finalize(order);
    expect(finalized.body.status).toBe('processing');
    expect(finalized.headers.get('retry-after')).toBe('1');
    const done = await device.settled(order.headers.get('location')!, WAIT_MS);
    expect(done.body.status).toBe('valid');
    const cert = await device.post(done.body.certificate as string, '');
    expect(cert.headers.get('content-type')).toBe('application/pem-certificate-chain');
    const leaf = new X509Certificate(pemBlocks(cert.body.text as string, 'CERTIFICATE')[0]!);
    expect(leaf.publicKey.equals(device.identityKey.publicKey)).toBe(true);
  });
});
