import { describe, expect, it } from 'vitest';
import {
  canEncryptTo,
  encryptProfilePayloads,
  ProfileEncryptionError,
} from '../../../core/apple/encrypted-profile.js';
import { buildPlist, parsePlist, type PlistDict } from '../../../core/apple/plist-codec.js';
import { validateProfile } from '../../../core/apple/schemas/apple-schema.js';
import { pemBlocks } from '../../../core/pki/pem.js';
import { createTestCa, issueCertificate } from '../../support/test-ca.js';
import { scratch } from '../pki/openssl.js';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';

const ca = createTestCa();
const identity = issueCertificate(ca, { subject: [{ name: 'commonName', value: 'device identity' }] });
const identityDer = pemBlocks(identity.certPem, 'CERTIFICATE')[0]!;

const wifi: PlistDict = {
  PayloadType: 'com.apple.wifi.managed',
  PayloadVersion: 1,
  PayloadIdentifier: 'keep.policy.wifi.payload',
  PayloadUUID: '6C3F1E0B-4E7B-4B0C-9D55-0C2C3F6F2E01',
  SSID_STR: 'corp',
  EncryptionType: 'WPA2',
  Password: 'psk-secret-value',
};
const profile: PlistDict = {
  PayloadType: 'Configuration',
  PayloadVersion: 1,
  PayloadIdentifier: 'keep.policy.wifi',
  PayloadUUID: '0E4C8C1B-1B7A-4E55-8D2B-7B3C9C6F1A11',
  PayloadDisplayName: 'Wi-Fi',
  PayloadContent: [wifi],
};

describe('encryptProfilePayloads', () => {
  const encrypted = encryptProfilePayloads(profile, identityDer);

  it('replaces PayloadContent with EncryptedPayloadContent, and nothing of the secret stays in clear', () => {
    expect(encrypted.PayloadContent).toBeUndefined();
    expect(encrypted).toMatchObject({ IsEncrypted: true, PayloadIdentifier: 'keep.policy.wifi' });
    expect(encrypted.EncryptedPayloadContent).toBeInstanceOf(Uint8Array);
    expect(buildPlist(encrypted)).not.toContain('psk-secret-value');
    // Apple's schema marks PayloadContent required, and says an encrypted profile does not need it.
    expect(validateProfile(encrypted)).toEqual([
      expect.objectContaining({ path: 'PayloadContent', kind: 'missing' }),
    ]);
  });

  it("opens with the identity's key under openssl cms -decrypt, giving the payload array as a property list", () => {
    const s = scratch();
    try {
      s.write('enveloped.der', encrypted.EncryptedPayloadContent as Uint8Array);
      s.write('identity.pem', identity.certPem);
      s.write('identity.key', identity.keyPem);
      s.openssl(
        'cms',
        '-decrypt',
        '-inform',
        'DER',
        '-in',
        'enveloped.der',
        '-recip',
        'identity.pem',
        '-inkey',
        'identity.key',
        '-out',
        'content.plist',
      );
      expect(parsePlist(s.read('content.plist'))).toEqual([wifi]);
    } finally {
      s.remove();
    }
  });

  it('does not open with another certificate’s key', () => {
    const other = issueCertificate(ca, { subject: [{ name: 'commonName', value: 'another device' }] });
    const s = scratch();
    try {
      s.write('enveloped.der', encrypted.EncryptedPayloadContent as Uint8Array);
      s.write('other.pem', other.certPem);
      s.write('other.key', other.keyPem);
      expect(() =>
        s.openssl(
          'cms',
          '-decrypt',
          '-inform',
          'DER',
          '-in',
          'enveloped.der',
          '-recip',
          'other.pem',
          '-inkey',
          'other.key',
        ),
      ).toThrow();
    } finally {
      s.remove();
    }
  });

  it('refuses an elliptic-curve identity, which RSA key transport cannot reach', () => {
    const s = scratch();
    try {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      s.write('ec.key', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
      s.openssl('req', '-new', '-x509', '-key', 'ec.key', '-subj', '/CN=ec', '-days', '1', '-out', 'ec.pem');
      const der = Buffer.from(new X509Certificate(s.read('ec.pem')).raw);
      expect(canEncryptTo(der)).toBe(false);
      expect(() => encryptProfilePayloads(profile, der)).toThrow(ProfileEncryptionError);
    } finally {
      s.remove();
    }
  });
});
