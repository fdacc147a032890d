import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrustStore } from '../../../core/cms/index.js';
import { certificateFieldsFromDer } from '../../../core/cms/certificate-fields.js';
import { toDer } from '../../../core/cms/der.js';
import { RA_CAPABILITIES, renderCaCaps } from '../../../core/scep/index.js';
import { ScepClient, ScepClientError } from '../../sim/scep/scep-client.js';
import type { TestCa } from '../../sim/scep/test-ca.js';
import { createTestCa } from '../../sim/scep/test-ca.js';
import type { ScepTestServer } from '../../sim/scep/scep-test-server.js';
import { startScepTestServer } from '../../sim/scep/scep-test-server.js';

let ca: TestCa;
let server: ScepTestServer;
const subject = [
  { shortName: 'CN', value: 'device-42' },
  { shortName: 'O', value: 'Keep' },
];

beforeAll(async () => {
  ca = createTestCa();
  server = await startScepTestServer(ca, { challenge: 'open sesame' });
});
afterAll(() => server.close());

describe('SCEP round trip (client builder ↔ server parser)', () => {
  it('advertises the RFC 8894 capabilities, GetNextCACert among them (CA rollover)', async () => {
    const caps = await new ScepClient({ url: server.url }).getCaCaps();
    expect([...caps]).toEqual(RA_CAPABILITIES.map((c) => c.toUpperCase()));
    expect(renderCaCaps()).toContain('GetNextCACert');
  });

  it('GetCACert returns the RA certificate and the CA chain', async () => {
    const certs = await new ScepClient({ url: server.url }).getCaCert();
    expect(certs).toEqual([ca.ra.certificate, ca.certificate]);
  });

  it.each([
    ['POST', false],
    ['GET', true],
  ])(
    'enrolls over %s: the server sees the CSR, challenge and SANs; the client gets its certificate',
    async (_, forceGet) => {
      const client = new ScepClient({ url: server.url, forceGet });
      const result = await client.enroll({
        subject,
        challengePassword: 'open sesame',
        dnsNames: ['device-42.example'],
      });
      const request = server.requests.at(-1);
      expect(request?.type).toBe('PKCSReq');
      if (request?.type !== 'PKCSReq') return;
      expect(request.csr.challengePassword).toBe('open sesame');
      expect(request.csr.dnsNames).toEqual(['device-42.example']);
      expect(request.csr.subject.map((a) => `${a.shortName}=${a.value}`)).toEqual(['CN=device-42', 'O=Keep']);
      expect(request.cipher).toBe('aes-128-cbc');
      expect(request.signer.x509.subject).toContain('device-42'); // self-signed signer
      const issued = new X509Certificate(result.certificate);
      expect(issued.subject).toContain('CN=device-42');
      expect(issued.subjectAltName).toContain('device-42.example');
      expect(issued.checkIssued(new X509Certificate(ca.certificate))).toBe(true);
      expect(issued.publicKey.export({ format: 'jwk' })).toEqual(result.publicKey.export({ format: 'jwk' }));
    },
  );

  it('answers a wrong challenge with a signed FAILURE carrying failInfo badRequest', async () => {
    const client = new ScepClient({ url: server.url });
    const error = await client.enroll({ subject, challengePassword: 'wrong' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScepClientError);
    expect((error as ScepClientError).failInfo).toBe('badRequest');
  });

  it('renews with RenewalReq signed by the issued certificate, which chains to the CA', async () => {
    const client = new ScepClient({ url: server.url });
    const first = await client.enroll({ subject, challengePassword: 'open sesame' });
    const renewed = await client.renew(
      { certificate: first.certificate, key: first.privateKey },
      { subject },
    );
    const request = server.requests.at(-1);
    expect(request?.type).toBe('RenewalReq');
    expect(request?.signer.der).toEqual(first.certificate);
    // The caller decides trust: a RenewalReq signer must chain to Keep's CA.
    expect(() => new TrustStore([ca.certificate]).verify(request!.signer)).not.toThrow();
    expect(renewed.certificate).not.toEqual(first.certificate);
  });
});

describe('SCEP PENDING', () => {
  it('polls with GetCertInitial until the CA issues', async () => {
    let pending = 2;
    const issuedFor = new Map<string, Buffer>();
    const pendingServer = await startScepTestServer(ca, {
      decide: (request, authority) => {
        if (request.type !== 'GetCertInitial') {
          issuedFor.set(request.transactionId, authority.issue(request.csr));
          return { status: 'PENDING' };
        }
        if (pending-- > 1) return { status: 'PENDING' };
        const cert = issuedFor.get(request.transactionId);
        return cert
          ? { status: 'SUCCESS', certificates: [cert] }
          : { status: 'FAILURE', failInfo: 'badCertId' };
      },
    });
    try {
      const client = new ScepClient({ url: pendingServer.url, pollIntervalMs: 10 });
      const result = await client.enroll({ subject });
      expect(result.polls).toBe(2);
      const poll = pendingServer.requests.at(-1);
      expect(poll?.type).toBe('GetCertInitial');
      if (poll?.type === 'GetCertInitial') {
        expect(poll.issuerAndSubject.issuer).toEqual(toDer(certificateFieldsFromDer(ca.certificate).subject));
        expect(poll.transactionId).toBe(result.transactionId);
      }
    } finally {
      await pendingServer.close();
    }
  });
});

describe('SCEP client key', () => {
  it('accepts a caller-supplied key pair', async () => {
    const keyPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const result = await new ScepClient({ url: server.url }).enroll({
      subject,
      challengePassword: 'open sesame',
      keyPair,
    });
    expect(result.privateKey).toBe(keyPair.privateKey);
  });
});
