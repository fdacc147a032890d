// A PKCSReq without a Keep-shaped challenge is refused at the edge: no workflow, a logged reason, no secret.
import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../core/log/logger.js';
import { buildIssuerAndSubject, transactionIdFor } from '../../../core/scep/index.js';
import { ScepClient } from '../../sim/scep/scep-client.js';
import { buildCertificate, buildCsr } from '../../sim/scep/x509-builder.js';
import { useTestPlanes } from '../../support/test-context.js';

describe('SCEP PKCSReq pre-check at the edge', () => {
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const planes = useTestPlanes({ log: createLogger('edge', 'info', sink) });
  let client: ScepClient;
  const enrollmentId = '0c7a4a4e-8d0e-4e43-9a55-2b8f0f1d9e61';

  beforeAll(async () => {
    client = new ScepClient({
      url: `http://edge/scep/${enrollmentId}`,
      fetch: ((url: string, init?: RequestInit) => planes.edgeApp.request(url, init)) as typeof fetch,
    });
  }, 120_000);

  const device = (challengePassword?: string) => {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const subject = [{ name: 'commonName', value: 'precheck device' }];
    const csr = buildCsr({
      ...keys,
      subject,
      ...(challengePassword !== undefined ? { challengePassword } : {}),
    });
    const certificate = buildCertificate({
      publicKey: keys.publicKey,
      selfSignKey: keys.privateKey,
      subject,
    });
    return {
      csr,
      transactionId: transactionIdFor(keys.publicKey),
      signer: { certificate, key: keys.privateKey },
    };
  };

  for (const [label, challenge] of [
    ['no challengePassword', undefined],
    ['a challengePassword of the wrong shape', 'hunter2-not-a-keep-challenge'],
  ] as const) {
    it(`answers a PKCSReq with ${label} with FAILURE badRequest and starts no workflow`, async () => {
      const { csr, transactionId, signer } = device(challenge);
      const answer = await client.exchange('PKCSReq', csr, transactionId, signer);
      expect(answer).toMatchObject({ status: 'FAILURE', failInfo: 'badRequest' });
      // Had the edge asked the core, a workflow for this transaction would exist and be found by a poll.
      const [, ca] = await client.getCaCert();
      const poll = await client.exchange(
        'GetCertInitial',
        buildIssuerAndSubject(ca!, Buffer.from([0x30, 0x00])),
        transactionId,
        signer,
      );
      expect(poll).toMatchObject({ status: 'FAILURE', failInfo: 'badCertId' });
    });
  }

  it('logs each refusal at info with its reason and opaque ids, never the challenge', async () => {
    const secretLooking = 'hunter2-not-a-keep-challenge';
    const { csr, transactionId, signer } = device(secretLooking);
    await client.exchange('PKCSReq', csr, transactionId, signer);
    const refusals = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const ours = refusals.filter((r) => r.msg === 'SCEP request refused' && r.enrollmentId === enrollmentId);
    expect(ours).toContainEqual(
      expect.objectContaining({
        level: 30,
        reason: 'PKCSReq challengePassword is not a Keep challenge',
        failInfo: 'badRequest',
        request: expect.stringMatching(/^[0-9a-f]{40}$/),
      }),
    );
    expect(logLines.join('\n')).not.toContain(secretLooking);
    expect(logLines.join('\n')).not.toContain(transactionId);
  });
});
