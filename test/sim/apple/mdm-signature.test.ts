import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifySignedData } from '../../../core/cms/index.js';
import { createTestCa, issueCertificate } from '../../support/test-ca.js';
import { MdmSigner } from './mdm-signature.js';

const ca = createTestCa('Signature CA');
const issued = issueCertificate(ca, { subject: [{ name: 'commonName', value: 'device' }] });
const identity = {
  certificate: new X509Certificate(issued.certPem).raw,
  privateKey: createPrivateKey(issued.keyPem),
};
const body = (text: string) =>
  new TextEncoder().encode(`<plist><dict><key>Status</key><string>${text}</string></dict></plist>`);

describe('Mdm-Signature', () => {
  it('device form: detached SHA-1 over the body, no signed attributes, indefinite-length BER, for every body', () => {
    const signer = new MdmSigner(identity, 'device');
    for (const text of ['Idle', 'Acknowledged']) {
      const der = Buffer.from(signer.sign(body(text)), 'base64');
      expect(der.subarray(0, 2)).toEqual(Buffer.from([0x30, 0x80]));
      const verified = verifySignedData(der, { detachedContent: body(text) });
      expect(verified.signer.digest).toBe('sha1');
      expect(verified.signer.signedAttributes).toBeUndefined();
      expect(verified.certificates[0]).toEqual(identity.certificate);
    }
  });

  it('sha256-attributes form: detached SHA-256 with content-type and message-digest attributes', () => {
    const der = Buffer.from(new MdmSigner(identity, 'sha256-attributes').sign(body('Idle')), 'base64');
    const verified = verifySignedData(der, { detachedContent: body('Idle') });
    expect(verified.signer.digest).toBe('sha256');
    expect(verified.signer.signedAttributes?.size).toBeGreaterThanOrEqual(2);
  });

  for (const form of ['device', 'sha256-attributes'] as const) {
    it(`${form} form: a signature does not verify over a different body`, () => {
      const der = Buffer.from(new MdmSigner(identity, form).sign(body('Idle')), 'base64');
      expect(() => verifySignedData(der, { detachedContent: body('Idle ') })).toThrow(/signature|digest/);
    });
  }
});
