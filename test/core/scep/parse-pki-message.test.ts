import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { signSignedData } from '../../../core/cms/index.js';
import {
  ScepError,
  buildCertRep,
  buildPkiMessage,
  parseCertRep,
  parsePkiMessage,
  transactionIdFor,
} from '../../../core/scep/index.js';
import type { RaCredentials } from '../../../core/scep/index.js';
import type { TestCa } from '../../sim/scep/test-ca.js';
import { createTestCa } from '../../sim/scep/test-ca.js';
import { buildCertificate, buildCsr } from '../../sim/scep/x509-builder.js';

let ca: TestCa;
const device = generateKeyPairSync('rsa', { modulusLength: 2048 });
const subject = [{ shortName: 'CN', value: 'device-7' }];
let signerCertificate: Buffer;

function request(ra: RaCredentials, overrides: Partial<Parameters<typeof buildPkiMessage>[0]> = {}) {
  return buildPkiMessage({
    type: 'PKCSReq',
    messageData: buildCsr({ ...device, subject, challengePassword: 'c' }),
    transactionId: transactionIdFor(device.publicKey),
    signerCertificate,
    signerKey: device.privateKey,
    recipientCertificate: ra.certificate,
    ...overrides,
  });
}

function failure(run: () => unknown): ScepError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScepError) return error;
    throw error;
  }
  throw new Error('expected a ScepError');
}

beforeAll(() => {
  ca = createTestCa();
  signerCertificate = buildCertificate({
    publicKey: device.publicKey,
    selfSignKey: device.privateKey,
    subject,
  });
});

describe('parsePkiMessage', () => {
  it('decodes a PKCSReq with 3DES and SHA-1 as old clients send it', () => {
    const { der } = request(ca.ra, { cipher: 'des-ede3-cbc', digest: 'sha1' });
    const parsed = parsePkiMessage(der, { ra: ca.ra });
    expect(parsed.type).toBe('PKCSReq');
    expect(parsed.cipher).toBe('des-ede3-cbc');
    expect(parsed.digest).toBe('sha1');
  });

  it('works with an RA certificate and key made by openssl req -x509', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keep-ra-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'ra.key',
        '-subj',
        '/CN=openssl RA',
        '-days',
        '2',
        '-outform',
        'DER',
        '-out',
        'ra.der',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    const ra = {
      certificate: readFileSync(join(dir, 'ra.der')),
      key: createPrivateKey(readFileSync(join(dir, 'ra.key'))),
    };
    const { der, senderNonce } = request(ra);
    const parsed = parsePkiMessage(der, { ra });
    expect(parsed.type === 'PKCSReq' && parsed.csr.challengePassword).toBe('c');
    const reply = buildCertRep(parsed, { status: 'PENDING' }, ra);
    const rep = parseCertRep(reply, {
      requester: { certificate: signerCertificate, key: device.privateKey },
      transactionId: parsed.transactionId,
      senderNonce,
      raCertificates: [ra.certificate],
    });
    expect(rep.status).toBe('PENDING');
  });

  it('answers FAILURE with the failInfo and echoes the nonce', () => {
    const { der, senderNonce } = request(ca.ra);
    const parsed = parsePkiMessage(der, { ra: ca.ra });
    const reply = buildCertRep(parsed, { status: 'FAILURE', failInfo: 'badCertId' }, ca.ra);
    const requester = { certificate: signerCertificate, key: device.privateKey };
    const rep = parseCertRep(reply, { requester, transactionId: parsed.transactionId, senderNonce });
    expect(rep).toMatchObject({ status: 'FAILURE', failInfo: 'badCertId' });
    const wrongNonce = failure(() =>
      parseCertRep(reply, { requester, transactionId: parsed.transactionId, senderNonce: Buffer.alloc(16) }),
    );
    expect(wrongNonce.code).toBe('mismatch');
  });

  it('maps garbage, truncated and tampered PKCS#7 to badMessageCheck without context', () => {
    const { der } = request(ca.ra);
    for (const input of [
      Buffer.from('not a pkcs7'),
      der.subarray(0, der.length - 50),
      Buffer.concat([der, Buffer.from([0])]),
    ]) {
      const error = failure(() => parsePkiMessage(input, { ra: ca.ra }));
      expect(error.failInfo).toBe('badMessageCheck');
      expect(error.context).toBeUndefined();
    }
    const tampered = Buffer.from(der);
    tampered[der.length - 300] = (tampered[der.length - 300] ?? 0) ^ 1;
    expect(failure(() => parsePkiMessage(tampered, { ra: ca.ra })).failInfo).toBe('badMessageCheck');
  });

  it('refuses oversized input and wrong content types', () => {
    const { der } = request(ca.ra);
    expect(failure(() => parsePkiMessage(der, { ra: ca.ra, maxBytes: 1000 })).code).toBe('too-large');
    const envelopedOnly = signSignedData({
      content: Buffer.from('x'),
      contentType: '1.2.840.113549.1.7.3',
      signerCertificate,
      signerKey: device.privateKey,
    });
    expect(failure(() => parsePkiMessage(envelopedOnly, { ra: ca.ra })).code).toBe('malformed');
  });

  it('keeps the request context when the envelope is not for this RA, so a signed FAILURE can answer', () => {
    const other = createTestCa('Other');
    const { der } = request(other.ra);
    const error = failure(() => parsePkiMessage(der, { ra: ca.ra }));
    expect(error.failInfo).toBe('badMessageCheck');
    expect(error.context?.transactionId).toBe(transactionIdFor(device.publicKey));
  });

  it('rejects a CSR whose signature does not verify with badRequest', () => {
    const csr = buildCsr({ ...device, subject, challengePassword: 'c' });
    csr[csr.length - 5] = (csr[csr.length - 5] ?? 0) ^ 1;
    const { der } = request(ca.ra, { messageData: csr });
    const error = failure(() => parsePkiMessage(der, { ra: ca.ra }));
    expect(error.failInfo).toBe('badRequest');
    expect(error.context).toBeDefined();
  });
});
