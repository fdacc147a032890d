// Builds the enrollment .mobileconfig: SCEP (or attested ACME) identity, MDM payload and, optionally, Keep's CA as
// an anchor.
// https://developer.apple.com/documentation/devicemanagement/mdm
import { randomUUID } from 'node:crypto';
import type { PlistDict } from './plist-codec.js';
import { acmePayloadKeys, type AcmePayloadInput } from './acme-payload.js';
import { scepPayloadContent, type ScepPayloadInput } from './scep-payload.js';

/** The sealed-box context of a signed profile (it holds a challenge) on its way to the admin who asked for it. */
export const profileReplyContext = (enrollmentId: string) => `enrollment-profile:${enrollmentId}`;

/** All rights (1 + 2 + … + 4096): Keep decides per policy what to use, the profile does not narrow it. */
export const MDM_ACCESS_RIGHTS_ALL = 8191;
export const MDM_SERVER_CAPABILITIES = ['com.apple.mdm.bootstraptoken', 'com.apple.mdm.per-user-connections'];

/**
 * Device enrolment of an organisation's device (ADDE), or User Enrollment of a personal one (BYOD): the
 * organisation then manages only its own accounts, apps and data, and the device sends an EnrollmentID, no UDID.
 * https://developer.apple.com/documentation/devicemanagement/onboarding-users-with-account-driven-enrollment
 */
export type AccountEnrollmentMode = 'ADDE' | 'BYOD';

export interface EnrollmentProfileInput {
  /** Reverse-DNS base for PayloadIdentifier, e.g. `com.example.keep.enrollment`. */
  identifier: string;
  displayName: string;
  organization?: string;
  /** https://…/mdm/connect; must be https. */
  serverUrl: string;
  /** https://…/mdm/checkin; must be https. */
  checkInUrl: string;
  /** The APNs push topic (the UID of the push certificate's subject). */
  topic: string;
  /** The identity comes from exactly one of SCEP and ACME (hardware-bound and attested). */
  scep?: ScepPayloadInput;
  acme?: AcmePayloadInput;
  /** DER of Keep's root CA, installed as a trust anchor for the server's TLS and SCEP chains. */
  anchorCertificateDer?: Uint8Array;
  /**
   * Account-driven enrolment: the Managed Apple Account of the user who signed in, and the mode Apple requires in
   * the MDM payload of that flow (ADDE, or BYOD for a User Enrollment). Neither may change when the profile is
   * updated.
   * https://developer.apple.com/documentation/devicemanagement/onboarding-users-with-account-driven-enrollment
   */
  accountDriven?: { managedAppleId: string; mode: AccountEnrollmentMode };
  /** Fixed UUIDs for reproducible output; random otherwise. */
  uuids?: { profile?: string; scep?: string; mdm?: string; anchor?: string };
}

export function buildEnrollmentProfile(input: EnrollmentProfileInput): PlistDict {
  for (const [name, url] of [
    ['serverUrl', input.serverUrl],
    ['checkInUrl', input.checkInUrl],
  ] as const) {
    if (!url.startsWith('https://')) throw new TypeError(`${name} must be an https URL`);
  }
  if (!input.scep === !input.acme) throw new TypeError('give exactly one identity: scep or acme');
  const uuid = {
    profile: input.uuids?.profile ?? randomUUID().toUpperCase(),
    scep: input.uuids?.scep ?? randomUUID().toUpperCase(),
    mdm: input.uuids?.mdm ?? randomUUID().toUpperCase(),
    anchor: input.uuids?.anchor ?? randomUUID().toUpperCase(),
  };
  const org: PlistDict = input.organization === undefined ? {} : { PayloadOrganization: input.organization };
  const content: PlistDict[] = [];

  if (input.anchorCertificateDer) {
    content.push({
      PayloadType: 'com.apple.security.root',
      PayloadVersion: 1,
      PayloadIdentifier: `${input.identifier}.anchor`,
      PayloadUUID: uuid.anchor,
      PayloadDisplayName: `${input.displayName} CA`,
      PayloadCertificateFileName: 'keep-ca.cer',
      PayloadContent: input.anchorCertificateDer,
      ...org,
    });
  }

  // The identity payload keeps the `scep` UUID either way: the MDM payload names it.
  content.push(
    input.acme
      ? {
          PayloadType: 'com.apple.security.acme',
          PayloadVersion: 1,
          PayloadIdentifier: `${input.identifier}.acme`,
          PayloadUUID: uuid.scep,
          PayloadDisplayName: 'Device identity (attested)',
          ...acmePayloadKeys(input.acme),
          ...org,
        }
      : {
          PayloadType: 'com.apple.security.scep',
          PayloadVersion: 1,
          PayloadIdentifier: `${input.identifier}.scep`,
          PayloadUUID: uuid.scep,
          PayloadDisplayName: 'Device identity',
          PayloadContent: scepPayloadContent(input.scep!),
          ...org,
        },
  );

  content.push({
    PayloadType: 'com.apple.mdm',
    PayloadVersion: 1,
    PayloadIdentifier: `${input.identifier}.mdm`,
    PayloadUUID: uuid.mdm,
    PayloadDisplayName: input.displayName,
    ServerURL: input.serverUrl,
    CheckInURL: input.checkInUrl,
    Topic: input.topic,
    IdentityCertificateUUID: uuid.scep,
    SignMessage: true,
    AccessRights: MDM_ACCESS_RIGHTS_ALL,
    CheckOutWhenRemoved: true,
    ServerCapabilities: [...MDM_SERVER_CAPABILITIES],
    ...(input.accountDriven
      ? {
          AssignedManagedAppleID: input.accountDriven.managedAppleId,
          EnrollmentMode: input.accountDriven.mode,
        }
      : {}),
    ...org,
  });

  return {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: input.identifier,
    PayloadUUID: uuid.profile,
    PayloadDisplayName: input.displayName,
    PayloadContent: content,
    ...org,
  };
}
