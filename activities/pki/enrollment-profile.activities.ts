// Builds and signs an Apple enrollment profile: a one-time SCEP challenge bound to the enrollment, the
// MDM payload with the push topic, Keep's CA as anchor, signed with the core's profile-signing key.
import type { Kysely } from 'kysely';
import { buildEnrollmentProfile, profileReplyContext } from '../../core/apple/enrollment-profile.js';
import { sealTo, type BoxRecipient } from '../../core/crypto/sealed-box.js';
import { buildPlist } from '../../core/apple/plist-codec.js';
import { signProfile } from '../../core/apple/profile-signer.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { CaLoader } from './ca-loader.js';
import type { PkiActivities, PkiSettings } from './pki.activities.js';
import { ApplicationFailure } from '@temporalio/common';

export type ProfileDeps = {
  db: Kysely<CoreDatabase>;
  pki: PkiSettings;
  pkiActivities: Pick<PkiActivities, 'createScepChallenge' | 'caChain'>;
  ca: CaLoader;
};

/**
 * The enrollment's signed profile with a fresh challenge of `purpose`. Always built the same way, with the same
 * PayloadIdentifiers: a renewal's profile replaces the enrollment profile in place, and its MDM payload's
 * IdentityCertificateUUID names the new SCEP payload.
 */
export async function signedEnrollmentProfile(
  deps: ProfileDeps,
  enrollmentId: string,
  purpose: 'device-identity' | 'identity-renewal',
): Promise<{ signed: Uint8Array; expiresAt: string }> {
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
  const { challenge, expiresAt } = await deps.pkiActivities.createScepChallenge({
    purpose,
    boundTo: { kind: 'enrollment', id: enrollmentId },
  });
  const chain = (await deps.pkiActivities.caChain()).map((c) => Buffer.from(c.derBase64, 'base64'));
  const base = deps.pki.edgePublicUrl.replace(/\/$/, '');
  const profile = buildEnrollmentProfile({
    identifier: `keep.enrollment.${enrollmentId}`,
    displayName: `${deps.pki.organization} device management`,
    organization: deps.pki.organization,
    serverUrl: `${base}/mdm/connect`,
    checkInUrl: `${base}/mdm/checkin`,
    topic: push.topic,
    scep: {
      url: `${base}/scep/${enrollmentId}`,
      subject: [['CN', `keep-enrollment-${enrollmentId}`]],
      challenge,
      caCertificateDer: chain[0]!,
    },
    anchorCertificateDer: chain.at(-1)!,
  });
  // The signing key is used here, inside the core worker; it never travels through Temporal.
  const { profileSigning, issuing, rootPem } = await deps.ca();
  const signed = signProfile(Buffer.from(buildPlist(profile)), {
    certPem: profileSigning.certificatePem,
    keyPem: profileSigning.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    chainPem: [issuing.certificatePem, ...(rootPem !== issuing.certificatePem ? [rootPem] : [])],
  });
  return { signed, expiresAt };
}

export function createEnrollmentProfileActivities(deps: ProfileDeps) {
  return {
    /** The signed profile holds a live challenge: it leaves this activity sealed to the admin's `replyTo` only. */
    async createAppleEnrollmentProfile(input: {
      enrollmentId: string;
      replyTo: BoxRecipient;
    }): Promise<{ sealedProfile: string; expiresAt: string }> {
      const { signed, expiresAt } = await signedEnrollmentProfile(
        deps,
        input.enrollmentId,
        'device-identity',
      );
      return {
        sealedProfile: sealTo(input.replyTo, signed, profileReplyContext(input.enrollmentId)),
        expiresAt,
      };
    },
  };
}

export type EnrollmentProfileActivities = ReturnType<typeof createEnrollmentProfileActivities>;
