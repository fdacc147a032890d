// Builds and signs an Apple enrollment profile: a one-time SCEP challenge bound to the enrollment, the
// MDM payload with the push topic, Keep's CA as anchor, signed with the core's profile-signing key.
import type { Kysely } from 'kysely';
import {
  buildEnrollmentProfile,
  profileReplyContext,
  type AccountEnrollmentMode,
} from '../../core/apple/enrollment-profile.js';
import { encryptProfilePayloads } from '../../core/apple/encrypted-profile.js';
import { sealTo, type BoxRecipient } from '../../core/crypto/sealed-box.js';
import { buildPlist } from '../../core/apple/plist-codec.js';
import { signProfile } from '../../core/apple/profile-signer.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { CaLoader } from './ca-loader.js';
import { keepProfileSigner } from './keep-profile-signer.js';
import type { PkiActivities, PkiSettings } from './pki.activities.js';
import { ApplicationFailure } from '@temporalio/common';
import { canAttest, type AppleHardware } from '../../core/apple/attestation-capability.js';
import type { AttestationRequirement } from './attestation-requirement.js';
import { findCurrentIdentity } from './certificate.repository.js';

/**
 * The device an enrollment is for, as far as the core knows it: a zero-touch enrollment's device from Apple
 * Business Manager, or the managed device holding the enrollment (a re-enrollment or a renewal) with its inventory.
 */
async function knownDevice(
  db: Kysely<CoreDatabase>,
  enrollmentId: string,
): Promise<{ serialNumber?: string; hardware: AppleHardware }> {
  const managed = await db
    .selectFrom('devices')
    .select(['serial_number', 'os_version', 'facts'])
    .where('enrollment_id', '=', enrollmentId)
    .executeTakeFirst();
  if (managed) {
    const facts = managed.facts;
    return {
      ...(managed.serial_number ? { serialNumber: managed.serial_number } : {}),
      hardware: {
        product: typeof facts.ProductName === 'string' ? facts.ProductName : undefined,
        osVersion: managed.os_version ?? undefined,
        appleSilicon: typeof facts.IsAppleSilicon === 'boolean' ? facts.IsAppleSilicon : undefined,
      },
    };
  }
  const staged = await db
    .selectFrom('zero_touch_enrollments')
    .innerJoin('dep_devices', 'dep_devices.id', 'zero_touch_enrollments.dep_device_id')
    .select('dep_devices.serial_number')
    .where('zero_touch_enrollments.enrollment_id', '=', enrollmentId)
    .executeTakeFirst();
  return { ...(staged ? { serialNumber: staged.serial_number } : {}), hardware: {} };
}

type Identity = { kind: 'acme'; serialNumber: string } | { kind: 'scep' };

/**
 * Which identity the enrollment's profile carries. A device of a team that requires attestation gets ACME only
 * (its serial number must be known: ACME orders it); otherwise, with `core.appleAcmeIdentity`, a device whose
 * serial number Keep knows and whose hardware can attest (attestation-capability.ts, from `machine` — MachineInfo
 * — or the inventory) gets ACME and every other one falls back to SCEP. A renewal keeps the kind it renews.
 */
async function identityFor(
  deps: ProfileDeps,
  enrollmentId: string,
  purpose: 'device-identity' | 'identity-renewal',
  machine: AppleHardware | undefined,
): Promise<Identity> {
  const device = await knownDevice(deps.db, enrollmentId);
  if (await deps.attestationRequired(enrollmentId)) {
    if (!device.serialNumber)
      throw ApplicationFailure.nonRetryable(
        "the device's team requires attestation, but Keep does not know its serial number to order it",
        'AttestationImpossible',
      );
    return { kind: 'acme', serialNumber: device.serialNumber };
  }
  if (!device.serialNumber) return { kind: 'scep' };
  // A renewal renews the identity the device has: an attested one through ACME (a new attested key), SCEP's by SCEP.
  if (purpose === 'identity-renewal')
    return (await findCurrentIdentity(deps.db, enrollmentId))?.attestation
      ? { kind: 'acme', serialNumber: device.serialNumber }
      : { kind: 'scep' };
  if (!deps.pki.appleAcmeIdentity) return { kind: 'scep' };
  return canAttest(machine ?? device.hardware)
    ? { kind: 'acme', serialNumber: device.serialNumber }
    : { kind: 'scep' };
}

/**
 * The Managed Apple Account of an account-driven enrollment: the directory e-mail (else user name) of the user who
 * signed in to start it. Read for renewals too: Apple refuses a profile update that changes it.
 */
async function accountDriven(
  db: Kysely<CoreDatabase>,
  enrollmentId: string,
): Promise<{ managedAppleId: string; mode: AccountEnrollmentMode } | undefined> {
  const row = await db
    .selectFrom('apple_sign_ins')
    .innerJoin('directory_users', 'directory_users.id', 'apple_sign_ins.user_id')
    .select(['directory_users.email', 'directory_users.username', 'apple_sign_ins.enrollment_mode'])
    .where('apple_sign_ins.enrollment_id', '=', enrollmentId)
    .where('apple_sign_ins.serial_number', 'is', null)
    .executeTakeFirst();
  return row ? { managedAppleId: row.email ?? row.username, mode: row.enrollment_mode ?? 'ADDE' } : undefined;
}

export interface EnrollmentProfileReply {
  sealedProfile: string;
  /** When the SCEP challenge inside expires; an attested ACME identity carries no challenge. */
  expiresAt?: string;
}

export type ProfileDeps = {
  db: Kysely<CoreDatabase>;
  pki: PkiSettings;
  pkiActivities: Pick<PkiActivities, 'createScepChallenge' | 'caChain'>;
  ca: CaLoader;
  attestationRequired: AttestationRequirement;
};

/**
 * The enrollment's signed profile with a fresh challenge of `purpose`. Always built the same way, with the same
 * PayloadIdentifiers: a renewal's profile replaces the enrollment profile in place, and its MDM payload's
 * IdentityCertificateUUID names the new identity payload. The identity is SCEP or an attested ACME one
 * (identityFor; no challenge then).
 */
export async function signedEnrollmentProfile(
  deps: ProfileDeps,
  enrollmentId: string,
  purpose: 'device-identity' | 'identity-renewal',
  /** The device's identity certificate: its payloads (and their challenge) are then readable by that device only. */
  encryptTo?: Buffer,
  /** What the device said of itself in MachineInfo (zero-touch), to decide whether it can attest. */
  machine?: AppleHardware,
): Promise<{ signed: Uint8Array; expiresAt?: string }> {
  const push = await deps.db
    .selectFrom('push_certificates')
    .select('topic')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!push)
    throw ApplicationFailure.nonRetryable(
      'import an APNs push certificate before enrolling Apple devices',
      'NoPushCertificate',
    );
  const chain = (await deps.pkiActivities.caChain()).map((c) => Buffer.from(c.derBase64, 'base64'));
  const base = deps.pki.edgePublicUrl.replace(/\/$/, '');
  const subject: [string, string][] = [['CN', `keep-enrollment-${enrollmentId}`]];
  const chosen = await identityFor(deps, enrollmentId, purpose, machine);
  const scepIdentity = async () => {
    const { challenge, expiresAt } = await deps.pkiActivities.createScepChallenge({
      purpose,
      boundTo: { kind: 'enrollment', id: enrollmentId },
    });
    const scep = { url: `${base}/scep/${enrollmentId}`, subject, challenge, caCertificateDer: chain[0]! };
    return { scep, expiresAt };
  };
  const identity =
    chosen.kind === 'acme'
      ? {
          acme: {
            directoryUrl: `${base}/acme/directory`,
            clientIdentifier: chosen.serialNumber,
            subject,
          },
        }
      : await scepIdentity();
  const signedIn = await accountDriven(deps.db, enrollmentId);
  const profile = buildEnrollmentProfile({
    identifier: `keep.enrollment.${enrollmentId}`,
    displayName: `${deps.pki.organization} device management`,
    organization: deps.pki.organization,
    serverUrl: `${base}/mdm/connect`,
    checkInUrl: `${base}/mdm/checkin`,
    topic: push.topic,
    ...('acme' in identity ? { acme: identity.acme } : { scep: identity.scep }),
    anchorCertificateDer: chain.at(-1)!,
    ...(signedIn === undefined ? {} : { accountDriven: signedIn }),
  });
  // The signing key is used here, inside the core worker; it never travels through Temporal.
  const delivered = encryptTo ? encryptProfilePayloads(profile, encryptTo) : profile;
  const signed = signProfile(Buffer.from(buildPlist(delivered)), keepProfileSigner(await deps.ca()));
  return { signed, ...('expiresAt' in identity ? { expiresAt: identity.expiresAt } : {}) };
}

export function createEnrollmentProfileActivities(deps: ProfileDeps) {
  return {
    /** The signed profile holds a live challenge: it leaves this activity sealed to the admin's `replyTo` only. */
    async createAppleEnrollmentProfile(input: {
      enrollmentId: string;
      replyTo: BoxRecipient;
      machine?: AppleHardware;
    }): Promise<EnrollmentProfileReply> {
      const { signed, expiresAt } = await signedEnrollmentProfile(
        deps,
        input.enrollmentId,
        'device-identity',
        undefined,
        input.machine,
      );
      return {
        sealedProfile: sealTo(input.replyTo, signed, profileReplyContext(input.enrollmentId)),
        ...(expiresAt !== undefined ? { expiresAt } : {}),
      };
    },
  };
}

export type EnrollmentProfileActivities = ReturnType<typeof createEnrollmentProfileActivities>;
