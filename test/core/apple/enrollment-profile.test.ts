import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildEnrollmentProfile } from '../../../core/apple/enrollment-profile.js';
import { scepCaFingerprint } from '../../../core/apple/scep-payload.js';
import { buildPlist, isPlistDict, parsePlistDict, type PlistDict } from '../../../core/apple/plist-codec.js';
import { validateProfile, validateProfilePayload } from '../../../core/apple/schemas/apple-schema.js';
import { caDer, enrollmentInput } from './fixtures.js';

function payload(profile: PlistDict, type: string): PlistDict {
  const found = (profile.PayloadContent as PlistDict[]).find((p) => p.PayloadType === type);
  if (!found || !isPlistDict(found)) throw new Error(`no ${type} payload`);
  return found;
}

describe('buildEnrollmentProfile', () => {
  const profile = parsePlistDict(buildPlist(buildEnrollmentProfile(enrollmentInput)));

  it('validates, with every payload, against Apple’s profile schemas', () => {
    expect(validateProfile(profile)).toEqual([]);
    for (const p of profile.PayloadContent as PlistDict[]) expect(validateProfilePayload(p)).toEqual([]);
  });

  it('is a Configuration profile with SCEP, MDM and anchor payloads', () => {
    expect(profile).toMatchObject({
      PayloadType: 'Configuration',
      PayloadVersion: 1,
      PayloadIdentifier: 'com.example.keep.enrollment',
      PayloadDisplayName: 'Keep MDM',
    });
    expect((profile.PayloadContent as PlistDict[]).map((p) => p.PayloadType).sort()).toEqual([
      'com.apple.mdm',
      'com.apple.security.root',
      'com.apple.security.scep',
    ]);
  });

  it('binds the MDM identity to the SCEP payload and sets Keep’s MDM options', () => {
    const scep = payload(profile, 'com.apple.security.scep');
    expect(payload(profile, 'com.apple.mdm')).toMatchObject({
      IdentityCertificateUUID: scep.PayloadUUID,
      ServerURL: enrollmentInput.serverUrl,
      CheckInURL: enrollmentInput.checkInUrl,
      Topic: enrollmentInput.topic,
      SignMessage: true,
      AccessRights: 8191,
      CheckOutWhenRemoved: true,
      ServerCapabilities: ['com.apple.mdm.bootstraptoken', 'com.apple.mdm.per-user-connections'],
    });
  });

  it('asks SCEP for a 2048-bit RSA key for signing and encryption, pinned by SHA-1 fingerprint', () => {
    const content = payload(profile, 'com.apple.security.scep').PayloadContent as PlistDict;
    expect(content).toMatchObject({
      URL: 'https://mdm.example.com/scep',
      Name: 'keep-ca',
      Challenge: 'single-use-challenge',
      Keysize: 2048,
      'Key Type': 'RSA',
      'Key Usage': 5,
      Subject: [[['O', 'Example Corp']], [['CN', 'Keep device identity']]],
    });
    const expected = createHash('sha1').update(caDer).digest();
    expect(content.CAFingerprint).toEqual(new Uint8Array(expected));
    expect(scepCaFingerprint(caDer)).toHaveLength(20);
  });

  it('uses distinct uppercase UUIDs, or the ones given', () => {
    const uuids = (profile.PayloadContent as PlistDict[])
      .map((p) => p.PayloadUUID)
      .concat(profile.PayloadUUID);
    expect(new Set(uuids).size).toBe(4);
    for (const u of uuids) expect(u).toMatch(/^[0-9A-F-]{36}$/);
    const fixed = buildEnrollmentProfile({
      ...enrollmentInput,
      uuids: { profile: 'P', scep: 'S', mdm: 'M', anchor: 'A' },
    });
    expect(fixed.PayloadUUID).toBe('P');
  });

  it('makes the MDM identity an attested, hardware-bound ACME identity when asked, valid against Apple’s schema', () => {
    const attested = parsePlistDict(
      buildPlist(
        buildEnrollmentProfile({
          ...enrollmentInput,
          scep: undefined,
          acme: {
            directoryUrl: 'https://mdm.example.com/acme/directory',
            clientIdentifier: 'C02XK0AAJGH5',
            subject: [['CN', 'Keep device identity']],
          },
        }),
      ),
    );
    expect(validateProfile(attested)).toEqual([]);
    for (const p of attested.PayloadContent as PlistDict[]) expect(validateProfilePayload(p)).toEqual([]);
    const acme = payload(attested, 'com.apple.security.acme');
    expect(acme).toMatchObject({
      DirectoryURL: 'https://mdm.example.com/acme/directory',
      ClientIdentifier: 'C02XK0AAJGH5',
      Attest: true,
      HardwareBound: true,
      KeyType: 'ECSECPrimeRandom',
      KeySize: 384,
    });
    expect(payload(attested, 'com.apple.mdm').IdentityCertificateUUID).toBe(acme.PayloadUUID);
    expect(
      (attested.PayloadContent as PlistDict[]).some((p) => p.PayloadType === 'com.apple.security.scep'),
    ).toBe(false);
    expect(() => buildEnrollmentProfile({ ...enrollmentInput, scep: undefined })).toThrow(
      /exactly one identity/,
    );
  });

  it('omits the anchor and fingerprint when no CA is given', () => {
    const bare = buildEnrollmentProfile({
      ...enrollmentInput,
      anchorCertificateDer: undefined,
      scep: { ...enrollmentInput.scep!, caCertificateDer: undefined },
    });
    expect((bare.PayloadContent as PlistDict[]).map((p) => p.PayloadType)).toEqual([
      'com.apple.security.scep',
      'com.apple.mdm',
    ]);
    expect(validateProfile(bare)).toEqual([]);
  });

  it('refuses a non-https server URL', () => {
    expect(() => buildEnrollmentProfile({ ...enrollmentInput, serverUrl: 'http://mdm.example.com' })).toThrow(
      /https/,
    );
  });
});
