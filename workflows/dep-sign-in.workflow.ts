// One step of an ADE sign-in (`dep-sign-in-<id>`), which the edge starts and waits for: `begin` admits the device
// (ABM must assign it to Keep) and sends the user to the provider; `finish` checks the provider's answer and starts
// the device's zero-touch enrollment, owned by the user who signed in (bound in the core, named by no input).
import { proxyActivities } from '@temporalio/workflow';
import type {
  BeginDepSignInOutcome,
  DepSignInActivities,
  DepSignInRefusal,
} from '../activities/apple/dep/dep-sign-in.activities.js';
import type { ZeroTouchActivities } from '../activities/apple/dep/zero-touch.activities.js';
import type { BoxRecipient } from '../core/crypto/sealed-box.js';
import { startZeroTouch } from './zero-touch-start.js';

export type DepSignInStep =
  | {
      step: 'begin';
      /** From the device's verified `x-apple-aspen-deviceinfo`; inside the encrypted payload, never in an id. */
      serialNumber: string;
      redirectUri: string;
    }
  | {
      step: 'finish';
      state: string;
      search: string;
      edgeTaskQueue: string;
      /** The edge's one-time key for this callback: the profile (it holds a challenge) is sealed to it. */
      replyTo: BoxRecipient;
    };

export type DepSignInStepOutcome =
  | BeginDepSignInOutcome
  | { status: 'enrolled'; enrollmentId: string; sealedProfile: string }
  | { status: 'refused'; reason: DepSignInRefusal };

export async function depSignInWorkflow(input: DepSignInStep): Promise<DepSignInStepOutcome> {
  const core = proxyActivities<DepSignInActivities & ZeroTouchActivities>({
    startToCloseTimeout: '15 seconds',
    retry: { initialInterval: '1 second', maximumAttempts: 3, nonRetryableErrorTypes: ['NotAdmitted'] },
  });
  // The authorization code is single-use at the provider: a second exchange can only fail.
  const exchange = proxyActivities<DepSignInActivities>({
    startToCloseTimeout: '15 seconds',
    retry: { maximumAttempts: 1 },
  });
  switch (input.step) {
    case 'begin': {
      // A device ABM does not assign to Keep is refused before anyone signs in (NotAdmitted fails the step).
      await core.admitZeroTouchDevice({ serialNumber: input.serialNumber });
      return core.beginDepSignIn({ redirectUri: input.redirectUri, serialNumber: input.serialNumber });
    }
    case 'finish': {
      const signedIn = await exchange.finishDepSignIn({ state: input.state, search: input.search });
      if (signedIn.status === 'refused') return signedIn;
      const enrolled = await startZeroTouch(
        { serialNumber: signedIn.serialNumber, edgeTaskQueue: input.edgeTaskQueue, replyTo: input.replyTo },
        (enrollmentId) => core.bindDepSignIn({ state: input.state, enrollmentId }),
      );
      return { status: 'enrolled', ...enrolled };
    }
    default:
      return unreachable(input);
  }
}

function unreachable(value: never): never {
  throw new TypeError(`unknown sign-in step ${JSON.stringify(value)}`);
}
