// SCEP through the real edge, Temporal and the core CA: enrolment, renewal, PENDING, and every refusal.
import { executeAsAdmin } from '../../support/execute-as-admin.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPkiActivities, type PkiActivities } from '../../../activities/pki/pki.activities.js';
import { generateKeyPairSync } from 'node:crypto';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { workflowIds } from '../../../core/temporal/task-queues.js';
import { ScepClient, ScepClientError } from '../../sim/scep/scep-client.js';
import { signedRequest } from '../../support/apple-requests.js';
import { opensslVerify } from '../../support/openssl-verify.js';
import { startTestPlanes } from '../../support/planes.js';
import { useTestPlanes } from '../../support/test-context.js';

describe('SCEP at the edge', () => {
  const planes = useTestPlanes();
  let pki: PkiActivities;
  let client: (path?: string) => ScepClient;
  const enrollmentId = '6f1c1e0a-3c1b-4c39-9d55-0a1e2b3c4d5e';

  beforeAll(async () => {
    pki = createPkiActivities({
      db: planes.database.core.db,
      keyRing: KeyRing.parse(planes.coreConfig.core.secretKeys),
      pki: planes.coreConfig.core,
    });
    client = (path = `/scep/${enrollmentId}`) =>
      new ScepClient({
        url: `http://edge${path}`,
        fetch: ((url: string, init?: RequestInit) => planes.edgeApp.request(url, init)) as typeof fetch,
        pollIntervalMs: 50,
        maxPolls: 100,
      });
  }, 120_000);

  const challengeFor = async (
    boundId = enrollmentId,
    purpose: 'device-identity' | 'wifi' = 'device-identity',
    minutes?: number,
  ) =>
    (
      await pki.createScepChallenge({
        purpose,
        boundTo: { kind: 'enrollment', id: boundId },
        ...(minutes ? { minutes } : {}),
      })
    ).challenge;

  it('answers GetCACaps and GetCACert with the RA certified by the core and the CA chain', async () => {
    const caps = await (await planes.edgeApp.request('/scep?operation=GetCACaps')).text();
    expect(caps.split('\n')).toEqual(
      expect.arrayContaining(['POSTPKIOperation', 'SHA-256', 'AES', 'SCEPStandard', 'Renewal']),
    );
    const certificates = await client().getCaCert();
    // The RA and the issuing CA (and the root, when Keep made its own hierarchy).
    expect(certificates.length).toBeGreaterThanOrEqual(2);
  });

  it('issues a device identity that openssl verifies against Keep chain, once per challenge', async () => {
    const challenge = await challengeFor();
    const issued = await client().enroll({
      subject: [{ name: 'commonName', value: 'simulated device' }],
      challengePassword: challenge,
    });
    const { verdict, text } = opensslVerify(issued.certificatePem, planes.trust.chain());
    expect(verdict).toContain('leaf.pem: OK');
    expect(text).toContain(`urn:keep:enrollment:${enrollmentId}`);
    expect(text).toContain('TLS Web Client Authentication');
    const bound = await planes.database.edge.db
      .selectFrom('issued_identities')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(bound.enrollment_id).toBe(enrollmentId);

    // The same challenge again, with another key: refused.
    await expect(
      client().enroll({ subject: [{ name: 'commonName', value: 'replay' }], challengePassword: challenge }),
    ).rejects.toThrow(ScepClientError);
  });

  it('refuses expired, wrong-purpose and foreign challenges with a CertRep FAILURE and issues nothing', async () => {
    const before = await planes.database.core.db
      .selectFrom('certificates')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const expired = await challengeFor(enrollmentId, 'device-identity', 1);
    await planes.database.core.db
      .updateTable('scep_challenges')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('used_at', 'is', null)
      .execute();
    const wrongPurpose = await challengeFor(enrollmentId, 'wifi');
    const foreign = await challengeFor('11111111-2222-4333-8444-555555555555');
    for (const challenge of [expired, wrongPurpose, foreign, 'not-a-challenge']) {
      const err = await client()
        .enroll({ subject: [{ name: 'commonName', value: 'nope' }], challengePassword: challenge })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ScepClientError);
      expect(String((err as Error).message)).toMatch(/FAILURE|badRequest/i);
    }
    const after = await planes.database.core.db
      .selectFrom('certificates')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('answers malformed, truncated and oversized PKI messages with a 4xx, never a 500', async () => {
    const post = (body: Uint8Array) =>
      planes.edgeApp.request(`/scep/${enrollmentId}?operation=PKIOperation`, { method: 'POST', body });
    expect((await post(Buffer.from('garbage'))).status).toBe(400);
    expect((await post(Buffer.from([0x30, 0x82, 0x10, 0x00, 0x06]))).status).toBe(400);
    const deep = Buffer.concat([
      Buffer.alloc(2000, 0x30).map((_, i) => (i % 2 ? 0x80 : 0x30)),
      Buffer.alloc(2000, 0),
    ]);
    expect((await post(deep)).status).toBe(400);
    expect((await post(Buffer.alloc(70 * 1024, 1))).status).toBe(413);
    expect((await planes.edgeApp.request('/scep?operation=PKIOperation&message=***')).status).toBe(400);
    expect((await planes.edgeApp.request('/scep?operation=Teleport')).status).toBe(400);
    expect((await planes.edgeApp.request('/scep/not-a-uuid?operation=GetCACaps')).status).toBe(404);
  });

  it('refuses a CSR with a 1024-bit key', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const err = await client()
      .enroll({
        subject: [{ name: 'commonName', value: 'weak' }],
        challengePassword: await challengeFor(),
        keyPair: weak,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScepClientError);
  });

  it('answers PENDING when the core is slow, then delivers on GetCertInitial', async () => {
    const slow = await startTestPlanes({ scepSignTimeoutMs: 1 });
    try {
      const slowPki = createPkiActivities({
        db: slow.database.core.db,
        keyRing: KeyRing.parse(slow.coreConfig.core.secretKeys),
        pki: slow.coreConfig.core,
      });
      const { challenge } = await slowPki.createScepChallenge({
        purpose: 'device-identity',
        boundTo: { kind: 'enrollment', id: enrollmentId },
      });
      const slowClient = new ScepClient({
        url: `http://edge/scep/${enrollmentId}`,
        fetch: ((url: string, init?: RequestInit) => slow.edgeApp.request(url, init)) as typeof fetch,
        pollIntervalMs: 100,
        maxPolls: 100,
      });
      const issued = await slowClient.enroll({
        subject: [{ name: 'commonName', value: 'patient' }],
        challengePassword: challenge,
      });
      expect(issued.polls).toBeGreaterThan(0);
    } finally {
      await slow.close();
    }
  }, 120_000);

  it('signs concurrent PKCSReqs in batches: one core Update per full batch, each device its own certificate', async () => {
    // A whole second's window: 8 requests arriving together fill exactly 2 batches of 4, each sent when full.
    const batched = await startTestPlanes({
      edgeEnv: { KEEP_EDGE_SCEP_BATCH_WAIT_MS: '1000', KEEP_EDGE_SCEP_BATCH_MAX_SIZE: '4' },
    });
    try {
      const batchedPki = createPkiActivities({
        db: batched.database.core.db,
        keyRing: KeyRing.parse(batched.coreConfig.core.secretKeys),
        pki: batched.coreConfig.core,
      });
      const devices = await Promise.all(
        Array.from({ length: 8 }, async (_, i) => ({
          i,
          keyPair: generateKeyPairSync('rsa', { modulusLength: 2048 }),
          challenge: (
            await batchedPki.createScepChallenge({
              purpose: 'device-identity',
              boundTo: { kind: 'enrollment', id: enrollmentId },
            })
          ).challenge,
        })),
      );
      const batchedClient = new ScepClient({
        url: `http://edge/scep/${enrollmentId}`,
        fetch: ((url: string, init?: RequestInit) => batched.edgeApp.request(url, init)) as typeof fetch,
        pollIntervalMs: 50,
        maxPolls: 100,
      });
      const issued = await Promise.all(
        devices.map(({ i, keyPair, challenge }) =>
          batchedClient.enroll({
            subject: [{ name: 'commonName', value: `batched ${i}` }],
            challengePassword: challenge,
            keyPair,
          }),
        ),
      );
      expect(new Set(issued.map((enrolled) => enrolled.certificatePem)).size).toBe(8);
      expect(issued.every((enrolled) => enrolled.polls === 0)).toBe(true);
      const history = await batched.temporal.workflow
        .getHandle(workflowIds.scepSigner(batched.edgeConfig.edge.taskQueue))
        .fetchHistory();
      const batches = (history.events ?? []).filter(
        (event) =>
          event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ===
          'signScepBatch',
      );
      expect(batches).toHaveLength(2);
    } finally {
      await batched.close();
    }
  }, 120_000);

  it('renews an identity with RenewalReq signed by the certificate bound to its enrollment, and refuses a revoked one', async () => {
    const first = await client().enroll({
      subject: [{ name: 'commonName', value: 'renewing' }],
      challengePassword: await challengeFor(),
    });
    const bound = await planes.edgeApp.request(
      signedRequest(
        '/mdm/checkin',
        { MessageType: 'Authenticate', UDID: 'RENEWING-DEVICE', Topic: 'com.apple.mgmt.External.scep' },
        { cert: first.certificate, key: first.privateKey },
      ),
    );
    expect(bound.status).toBe(200);
    const renewed = await client().renew(
      { certificate: first.certificate, key: first.privateKey },
      { subject: [{ name: 'commonName', value: 'renewing' }] },
    );
    expect(renewed.certificatePem).not.toBe(first.certificatePem);
    const { X509Certificate } = await import('node:crypto');
    const serial = new X509Certificate(renewed.certificatePem).serialNumber.toLowerCase();
    await executeAsAdmin(planes, 'revocationWorkflow', `revocation-${serial}`, {
      serialHex: serial,
      reason: 'keyCompromise',
    });
    await expect(
      client().renew(
        { certificate: renewed.certificate, key: renewed.privateKey },
        { subject: [{ name: 'commonName', value: 'renewing' }] },
      ),
    ).rejects.toThrow(ScepClientError);
    const crl = await planes.edgeApp.request('/pki/crl');
    expect(crl.status).toBe(200);
    const dir = mkdtempSync(`${tmpdir()}/keep-crl-`);
    writeFileSync(`${dir}/crl.der`, Buffer.from(await crl.arrayBuffer()));
    expect(
      execFileSync('openssl', ['crl', '-inform', 'DER', '-in', `${dir}/crl.der`, '-noout', '-text'])
        .toString()
        .toLowerCase(),
    ).toContain(serial.replace(/^0+/, ''));
  });

  it('answers GetCertInitial for a transaction it never saw with a CertRep FAILURE badCertId', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { buildPkiMessage, buildIssuerAndSubject, parseCertRep } =
      await import('../../../core/scep/index.js');
    const { buildCertificate } = await import('../../sim/scep/x509-builder.js');
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signer = buildCertificate({
      publicKey: keys.publicKey,
      subject: [{ name: 'commonName', value: 'poller' }],
      selfSignKey: keys.privateKey,
    });
    const [ra, ca] = await client().getCaCert();
    const { der, senderNonce } = buildPkiMessage({
      type: 'GetCertInitial',
      messageData: buildIssuerAndSubject(ca!, Buffer.from([0x30, 0x00])),
      transactionId: 'NEVER-SEEN-TRANSACTION',
      signerCertificate: signer,
      signerKey: keys.privateKey,
      recipientCertificate: ra!,
    });
    const res = await planes.edgeApp.request(`/scep/${enrollmentId}?operation=PKIOperation`, {
      method: 'POST',
      body: new Uint8Array(der),
    });
    expect(res.status).toBe(200);
    const rep = parseCertRep(Buffer.from(await res.arrayBuffer()), {
      requester: { certificate: signer, key: keys.privateKey },
      transactionId: 'NEVER-SEEN-TRANSACTION',
      senderNonce,
    });
    expect(rep).toMatchObject({ status: 'FAILURE', failInfo: 'badCertId' });
  });
});
