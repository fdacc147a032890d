// One step of an Apple enrolment sign-in (`apple-sign-in-<id>`), which the edge starts and waits for. ADE with
// sign-in: `begin` admits the device (ABM must assign it to Keep) and sends the user to the provider; `finish`
// checks the answer and starts the device's zero-touch enrollment, owned by the user who signed in. Account-driven
// enrolment: `begin` without a device, `finish` hands back an access token, and `enroll` trades that token (once)
// for the enrolment profile. Owners are bound in the core, named by no input.
import { proxyActivities, uuid4 } from '@temporalio/workflow';
import type {
  AppleSignInActivities,
  AppleSignInRefusal,
  BeginAppleSignInOutcome,
} from '../activities/apple/apple-sign-in.activities.js';
import type { ZeroTouchActivities } from '../activities/apple/dep/zero-touch.activities.js';
import type { EnrollmentProfileActivities } from '../activities/pki/enrollment-profile.activities.js';
import type { AccountEnrollmentMode } from '../core/apple/enrollment-profile.js';
import type { BoxRecipient } from '../core/crypto/sealed-box.js';
import { startZeroTouch } from './zero-touch-start.js';

export type AppleSignInStep =
  | {
      step: 'begin';
      /** ADE: from the device's verified `x-apple-aspen-deviceinfo`; absent = account-driven. Never in an id. */
      serialNumber?: string;
      redirectUri: string;
    }
  | {
      step: 'finish';
      state: string;
      search: string;
      edgeTaskQueue: string;
      /** The edge's one-time key for this callback: an ADE profile (it holds a challenge) is sealed to it. */
      replyTo: BoxRecipient;
    }
  | {
      step: 'enroll';
      /** What the device presents as `Authorization: Bearer` at the account-driven enrolment endpoint. */
      accessToken: string;
      /** Which server the device found at discovery (`mdm-adde` or `mdm-byod`); absent in older histories = ADDE. */
      mode?: AccountEnrollmentMode;
      replyTo: BoxRecipient;
    };

export type AppleSignInStepOutcome =
  | BeginAppleSignInOutcome
  | { status: 'enrolled'; enrollmentId: string; sealedProfile: string }
  | { status: 'token'; accessToken: string }
  | { status: 'refused'; reason: AppleSignInRefusal };

export async function appleSignInWorkflow(input: AppleSignInStep): Promise<AppleSignInStepOutcome> {
  const core = proxyActivities<AppleSignInActivities & ZeroTouchActivities & EnrollmentProfileActivities>({
    startToCloseTimeout: '15 seconds',
    retry: {
      initialInterval: '1 second',
      maximumAttempts: 3,
      nonRetryableErrorTypes: ['NotAdmitted', 'NoPushCertificate'],
    },
  });
  // The authorization code is single-use at the provider: a second exchange can only fail.
  const exchange = proxyActivities<AppleSignInActivities>({
    startToCloseTimeout: '15 seconds',
    retry: { maximumAttempts: 1 },
  });
  switch (input.step) {
    case 'begin': {
      // A device ABM does not assign to Keep is refused before anyone signs in (NotAdmitted fails the step).
      if (input.serialNumber !== undefined)
        await core.admitZeroTouchDevice({ serialNumber: input.serialNumber });
      return core.beginAppleSignIn({ redirectUri: input.redirectUri, serialNumber: input.serialNumber });
    }
    case 'finish': {
      const signedIn = await exchange.finishAppleSignIn({ state: input.state, search: input.search });
      if (signedIn.status === 'refused') return signedIn;
      if (signedIn.serialNumber === null)
        return { status: 'token', ...(await core.issueAccountToken({ state: input.state })) };
      const enrolled = await startZeroTouch(
        { serialNumber: signedIn.serialNumber, edgeTaskQueue: input.edgeTaskQueue, replyTo: input.replyTo },
        (enrollmentId) => core.bindAppleSignIn({ state: input.state, enrollmentId }),
      );
      return { status: 'enrolled', ...enrolled };
    }
    case 'enroll': {
      const enrollmentId = uuid4();
      const take = { accessToken: input.accessToken, enrollmentId };
      // The device's choice of server at discovery, relayed by the edge like the token itself.
      if (!(await core.takeAccountToken(input.mode === undefined ? take : { ...take, mode: input.mode })))
        return { status: 'refused', reason: 'unknown-token' };
      const { sealedProfile } = await core.createAppleEnrollmentProfile({
        enrollmentId,
        replyTo: input.replyTo,
      });
      return { status: 'enrolled', enrollmentId, sealedProfile };
    }
    default:
      return unreachable(input);
  }
}

function unreachable(value: never): never {
  throw new TypeError(`unknown sign-in step ${JSON.stringify(value)}`);
}
