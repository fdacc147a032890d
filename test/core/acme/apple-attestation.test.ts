// The device-attest-01 attestation check, without a server: the pinned Apple root, the facts read from a leaf,
// and what is refused as badAttestationStatement.
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { encode } from 'cbor2';
import { describe, expect, it } from 'vitest';
import { AcmeProblem } from '../../../core/acme/acme-problem.js';
import { attestationRoots, verifyAppleAttestation } from '../../../core/acme/apple-attestation.js';
import { APPLE_ENTERPRISE_ATTESTATION_ROOT_PEM } from '../../../core/acme/apple-enterprise-attestation-root.js';
import {
  attestationObject,
  createTestAttestationCa,
  freshnessCode,
} from '../../sim/acme/test-attestation-ca.js';

const ca = createTestAttestationCa();
const key = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
const token = 'challenge-token';
const roots = attestationRoots(ca.rootPem);
const claims = { serialNumber: 'C02TESTSERIAL', udid: '00008103-TEST', nonce: freshnessCode(token) };

function refusal(check: () => unknown): string {
  try {
    check();
  } catch (error) {
    if (error instanceof AcmeProblem) return `${error.type}: ${error.detail}`;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('verifyAppleAttestation', () => {
  it("pins Apple's Enterprise Attestation Root by its published fingerprint", () => {
    const root = new X509Certificate(APPLE_ENTERPRISE_ATTESTATION_ROOT_PEM);
    expect(root.subject).toContain('CN=Apple Enterprise Attestation Root CA');
    expect(root.fingerprint256).toBe(
      'CC:F5:9E:F8:FC:B3:01:7D:97:F8:B5:FA:6F:A9:0E:7A:3F:92:83:F7:6B:55:AC:6C:F6:ED:A8:B8:B9:49:F0:5B',
    );
  });

  it('reads the attested facts and key from a chain to a configured root', () => {
    const attObj = attestationObject(ca.attest(key.publicKey, claims));
    const attested = verifyAppleAttestation({ attObj, token, roots, now: new Date() });
    expect(attested).toMatchObject({
      serialNumber: claims.serialNumber,
      udid: claims.udid,
      osVersion: '15.1',
    });
    expect(attested.publicKeySpki.equals(key.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
  });

  it('refuses a chain to another root, a stale freshness code, another format and non-CBOR', () => {
    const attObj = attestationObject(ca.attest(key.publicKey, claims));
    const now = new Date();
    const apple = attestationRoots(APPLE_ENTERPRISE_ATTESTATION_ROOT_PEM);
    expect(refusal(() => verifyAppleAttestation({ attObj, token, roots: apple, now }))).toMatch(
      /^badAttestationStatement: the attestation chain does not end at/,
    );
    expect(refusal(() => verifyAppleAttestation({ attObj, token: 'other', roots, now }))).toMatch(
      /freshness code/,
    );
    const tpm = Buffer.from(encode({ fmt: 'tpm', attStmt: {} }));
    expect(refusal(() => verifyAppleAttestation({ attObj: tpm, token, roots, now }))).toMatch(/format "tpm"/);
    expect(refusal(() => verifyAppleAttestation({ attObj: Buffer.from([0xff]), token, roots, now }))).toMatch(
      /not CBOR/,
    );
  });

  it('refuses a chain that is not valid at the time of the check', () => {
    const attObj = attestationObject(ca.attest(key.publicKey, claims));
    const later = new Date(Date.now() + 7 * 86_400_000);
    expect(refusal(() => verifyAppleAttestation({ attObj, token, roots, now: later }))).toMatch(
      /not valid now/,
    );
  });
});
