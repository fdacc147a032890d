// Hand-made Apple MDM requests for edge tests: identities from a test CA, signed plists, and polling.
import { createPrivateKey, randomUUID, X509Certificate } from 'node:crypto';
import { buildPlist, type PlistValue } from '../../core/apple/plist-codec.js';
import { signSignedData } from '../../core/cms/index.js';
import { enrollmentUri } from '../../core/pki/device-identity-profile.js';
import { issueCertificate, type TestCa } from './test-ca.js';

export interface Identity {
  cert: Buffer;
  key: ReturnType<typeof createPrivateKey>;
}

/** A certificate of Keep's device-identity profile (clientAuth, one enrollment SAN), for a fresh enrollment unless named. */
export function identityFrom(ca: TestCa, commonName: string, enrollmentId: string = randomUUID()): Identity {
  const issued = issueCertificate(ca, {
    subject: [{ name: 'commonName', value: commonName }],
    extensions: [
      { name: 'extKeyUsage', clientAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 6, value: enrollmentUri(enrollmentId) }] },
    ],
  });
  return { cert: new X509Certificate(issued.certPem).raw, key: createPrivateKey(issued.keyPem) };
}

/** A PUT to the edge with the body signed in `Mdm-Signature` (SHA-1, as devices do), or unsigned. */
export function signedRequest(
  path: string,
  message: Record<string, PlistValue>,
  identity: Identity | undefined,
  tamper?: (body: Buffer) => Buffer,
): Request {
  const body = Buffer.from(buildPlist(message));
  const headers: Record<string, string> = { 'content-type': 'application/x-apple-aspen-mdm-checkin' };
  if (identity) {
    const signature = signSignedData({
      content: body,
      detached: true,
      signerCertificate: identity.cert,
      signerKey: identity.key,
      digest: 'sha1',
    });
    headers['mdm-signature'] = signature.toString('base64');
  }
  return new Request(`http://edge${path}`, {
    method: 'PUT',
    headers,
    body: new Uint8Array(tamper ? tamper(body) : body),
  });
}

export async function eventually<T>(fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
