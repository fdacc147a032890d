// Which certificates of Keep's CA may speak for a device: the device-identity profile with exactly one enrollment.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCaHierarchy } from '../../../core/pki/ca-create.js';
import type { SubjectAltName } from '../../../core/pki/certificate-extensions.js';
import type { LeafProfileName } from '../../../core/pki/certificate-profile.js';
import { enrollmentUri, readDeviceIdentityProfile } from '../../../core/pki/device-identity-profile.js';
import { issueCertificate } from '../../../core/pki/issue-certificate.js';
import { generateSerialNumber } from '../../../core/pki/serial-number.js';

describe('readDeviceIdentityProfile', () => {
  const { issuing } = createCaHierarchy({ organization: 'Test', now: new Date() });
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const issue = (profile: LeafProfileName, sans: SubjectAltName[] = []) =>
    issueCertificate({
      ca: issuing,
      publicKey,
      profile,
      template: { commonName: 'subject', sans },
      serial: generateSerialNumber(),
      now: new Date(),
    }).der;

  it('names the enrollment of a device identity', () => {
    const id = randomUUID();
    expect(
      readDeviceIdentityProfile(issue('device-identity', [{ type: 'uri', value: enrollmentUri(id) }])),
    ).toEqual({ ok: true, enrollmentId: id });
  });

  it('refuses certificates without clientAuth: SCEP RA, TLS server, profile signer, escrow', () => {
    for (const profile of ['scep-ra', 'tls-server', 'profile-signing', 'escrow-encryption'] as const)
      expect(
        readDeviceIdentityProfile(issue(profile, [{ type: 'uri', value: enrollmentUri(randomUUID()) }])),
        profile,
      ).toEqual({
        ok: false,
        reason: 'no-client-auth',
      });
  });

  it('refuses a device identity naming no enrollment, another kind of id, or two enrollments', () => {
    const cases: SubjectAltName[][] = [
      [],
      [{ type: 'uri', value: `urn:keep:device:${randomUUID()}` }],
      [
        { type: 'uri', value: enrollmentUri(randomUUID()) },
        { type: 'uri', value: enrollmentUri(randomUUID()) },
      ],
    ];
    for (const sans of cases)
      expect(readDeviceIdentityProfile(issue('device-identity', sans))).toEqual({
        ok: false,
        reason: 'no-enrollment-name',
      });
  });

  it('refuses a CA certificate', () => {
    expect(readDeviceIdentityProfile(issuing.certificateDer)).toEqual({
      ok: false,
      reason: 'ca-certificate',
    });
  });
});
