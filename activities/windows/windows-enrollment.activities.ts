// Windows enrolment in the core: the user's directory credential is checked here (the edge never holds the
// directory's), then the PC's PKCS#10 is signed as a device identity for the enrolment the edge opened.
import { ApplicationFailure } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { DirectorySettings } from '../../core/config/config.schema.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { checkCsr, CsrPolicyError } from '../../core/pki/csr-policy.js';
import { enrollmentUri } from '../../core/pki/device-identity-profile.js';
import { issueCertificate } from '../../core/pki/issue-certificate.js';
import { generateSerialNumber } from '../../core/pki/serial-number.js';
import { verifyDirectoryCredential } from '../directory/directory-credential.js';
import { DirectoryConfigError } from '../directory/directory-errors.js';
import type { CaLoader } from '../pki/ca-loader.js';
import { crlUrlFor } from '../pki/ca-loader.js';
import { recordIssued, reissued, samePublicKey } from '../pki/ca-operations.js';
import { takeSignInToken } from './windows-sign-in.repository.js';

interface EnrollmentBasics {
  /** Opened by the edge for this request; the certificate names it (SAN) and sessions are bound to it. */
  enrollmentId: string;
  /** The device's Keep id (the edge reuses the one of a PC that enrols again); the certificate's CN. */
  deviceId: string;
  csrBase64: string;
}

/** OnPremise: the directory password; Federated: the token Keep's sign-in page issued after an OIDC sign-in. */
export type WindowsEnrollmentRequest = EnrollmentBasics &
  ({ username: string; password: string } | { signInToken: string });

export type WindowsEnrollmentOutcome =
  | { status: 'issued'; certificateBase64: string; fingerprint: string }
  | { status: 'refused'; reason: 'bad-credentials' | 'no-directory' | 'bad-token' }
  | { status: 'rejected'; reason: string };

export interface WindowsEnrollmentDeps {
  db: Kysely<CoreDatabase>;
  ca: CaLoader;
  pki: { organization: string; edgePublicUrl: string; deviceCertificateDays: number };
  directory?: DirectorySettings | undefined;
}

export function createWindowsEnrollmentActivities(deps: WindowsEnrollmentDeps) {
  const crlUrl = crlUrlFor(deps.pki.edgePublicUrl);
  return {
    /** Idempotent: a retry with the same key gets the certificate already issued for the enrolment back. */
    async enrollWindowsDevice(input: WindowsEnrollmentRequest): Promise<WindowsEnrollmentOutcome> {
      if ('signInToken' in input) {
        const userId = await takeSignInToken(deps.db, {
          token: input.signInToken,
          enrollmentId: input.enrollmentId,
          now: new Date(),
        });
        const user =
          userId &&
          (await deps.db
            .selectFrom('directory_users')
            .select('id')
            .where('id', '=', userId)
            .where('disabled', '=', false)
            .where('deleted_at', 'is', null)
            .executeTakeFirst());
        if (!user) return { status: 'refused', reason: 'bad-token' };
      } else {
        let verdict;
        try {
          verdict = await verifyDirectoryCredential(deps.directory, input.username, input.password);
        } catch (error) {
          if (error instanceof DirectoryConfigError) return { status: 'refused', reason: 'no-directory' };
          throw error;
        }
        if (!verdict.ok) return { status: 'refused', reason: verdict.reason };
      }
      let csr: ReturnType<typeof checkCsr>;
      try {
        csr = checkCsr(Buffer.from(input.csrBase64, 'base64'));
      } catch (error) {
        if (error instanceof CsrPolicyError) return { status: 'rejected', reason: error.code };
        throw error;
      }
      const earlier = await deps.db
        .selectFrom('certificates')
        .selectAll()
        .where('enrollment_id', '=', input.enrollmentId)
        .where('profile', '=', 'device-identity')
        .executeTakeFirst();
      if (earlier) {
        if (!samePublicKey(earlier.der, csr.publicKey))
          throw ApplicationFailure.nonRetryable('the enrolment already has another key', 'EnrollmentTaken');
        const again = reissued(earlier);
        return {
          status: 'issued',
          certificateBase64: again.der.toString('base64'),
          fingerprint: again.sha256Fingerprint,
        };
      }
      const { issuing } = await deps.ca();
      const issued = issueCertificate({
        ca: issuing,
        publicKey: csr.publicKey,
        profile: 'device-identity',
        template: {
          commonName: input.deviceId,
          sans: [{ type: 'uri', value: enrollmentUri(input.enrollmentId) }],
          organization: deps.pki.organization,
          validityDays: deps.pki.deviceCertificateDays,
        },
        serial: generateSerialNumber(),
        now: new Date(),
        crlUrl,
      });
      await recordIssued(deps.db, issued, 'device-identity', {
        deviceId: input.deviceId,
        enrollmentId: input.enrollmentId,
      });
      return {
        status: 'issued',
        certificateBase64: issued.der.toString('base64'),
        fingerprint: issued.sha256Fingerprint,
      };
    },
  };
}

export type WindowsEnrollmentActivities = ReturnType<typeof createWindowsEnrollmentActivities>;
