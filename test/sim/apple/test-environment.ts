// Test helper: a SCEP server, an MDM test server and the profiles a simulated device installs.
import { X509Certificate, createPrivateKey, randomUUID } from 'node:crypto';
import { buildEnrollmentProfile } from '../../../core/apple/enrollment-profile.js';
import { buildPlist, type PlistDict } from '../../../core/apple/plist-codec.js';
import { signProfile } from '../../../core/apple/profile-signer.js';
import { createTestCa, issueCertificate } from '../../support/test-ca.js';
import { startScepTestServer } from '../scep/scep-test-server.js';
import { createTestCa as createScepCa } from '../scep/test-ca.js';
import { startMdmTestServer, type MdmTestServer } from './mdm-test-server.js';

const profileSigningCa = createTestCa('Profile Signing CA');
const profileSigner = issueCertificate(profileSigningCa, {
  subject: [{ name: 'commonName', value: 'Keep profiles' }],
});

export function der(pem: string): Buffer {
  return new X509Certificate(pem).raw;
}

export function signed(profile: PlistDict): Uint8Array {
  return signProfile(new TextEncoder().encode(buildPlist(profile)), {
    certPem: profileSigner.certPem,
    keyPem: profileSigner.keyPem,
    chainPem: [],
  });
}

/** A FileVault escrow profile: the escrow certificate as a pkcs1 payload, named by EncryptCertPayloadUUID. */
export function escrowProfile(identifier = 'com.example.filevault.escrow') {
  const escrowCa = createTestCa('Escrow CA');
  const escrow = issueCertificate(escrowCa, { subject: [{ name: 'commonName', value: 'Keep escrow' }] });
  const certUuid = randomUUID().toUpperCase();
  const profile: PlistDict = {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: identifier,
    PayloadUUID: randomUUID().toUpperCase(),
    PayloadDisplayName: 'FileVault escrow',
    PayloadContent: [
      {
        PayloadType: 'com.apple.security.pkcs1',
        PayloadVersion: 1,
        PayloadIdentifier: `${identifier}.cert`,
        PayloadUUID: certUuid,
        PayloadDisplayName: 'Keep escrow',
        PayloadContent: der(escrow.certPem),
      },
      {
        PayloadType: 'com.apple.security.FDERecoveryKeyEscrow',
        PayloadVersion: 1,
        PayloadIdentifier: `${identifier}.escrow`,
        PayloadUUID: randomUUID().toUpperCase(),
        Location: 'Keep',
        EncryptCertPayloadUUID: certUuid,
      },
    ],
  };
  return { profile, certificate: der(escrow.certPem), key: createPrivateKey(escrow.keyPem) };
}

export function wifiProfile(identifier = 'com.example.wifi'): PlistDict {
  return {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: identifier,
    PayloadUUID: randomUUID().toUpperCase(),
    PayloadDisplayName: 'Office Wi-Fi',
    PayloadOrganization: 'Example',
    PayloadContent: [
      {
        PayloadType: 'com.apple.wifi.managed',
        PayloadVersion: 1,
        PayloadIdentifier: `${identifier}.wifi`,
        PayloadUUID: randomUUID().toUpperCase(),
        SSID_STR: 'Office',
        EncryptionType: 'WPA2',
      },
    ],
  };
}

export interface TestEnvironment {
  mdm: MdmTestServer;
  topic: string;
  /** A fresh enrollment profile; signed like the edge serves it unless `signed: false`. */
  enrollmentProfile(options?: { signed?: boolean; anchor?: boolean }): Uint8Array;
  close(): Promise<void>;
}

export async function startTestEnvironment(options: { topic?: string } = {}): Promise<TestEnvironment> {
  const scepCa = createScepCa('Simulator');
  const challenge = randomUUID();
  const scep = await startScepTestServer(scepCa, { challenge });
  const mdm = await startMdmTestServer();
  const topic = options.topic ?? `com.apple.mgmt.External.${randomUUID()}`;
  return {
    mdm,
    topic,
    enrollmentProfile: ({ signed: sign = true, anchor = true } = {}) => {
      const profile = buildEnrollmentProfile({
        identifier: 'com.example.keep.enrollment',
        displayName: 'Keep',
        organization: 'Example',
        serverUrl: mdm.serverUrl,
        checkInUrl: mdm.checkInUrl,
        topic,
        scep: {
          url: scep.url,
          subject: [
            ['CN', 'keep device'],
            ['O', 'Example'],
          ],
          challenge,
          caCertificateDer: scepCa.certificate,
        },
        ...(anchor ? { anchorCertificateDer: der(mdm.tlsCa.certPem) } : {}),
      });
      return sign ? signed(profile) : new TextEncoder().encode(buildPlist(profile));
    },
    close: async () => {
      await Promise.all([scep.close(), mdm.close()]);
    },
  };
}
