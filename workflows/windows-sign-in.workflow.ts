// One step of a Windows federated sign-in (`windows-sign-in-<id>`): the edge starts it and waits for its result.
// The core holds the OIDC client and its secret, checks the provider's answer and decides who signed in.
import { proxyActivities } from '@temporalio/workflow';
import type {
  BeginWindowsSignIn,
  BeginWindowsSignInOutcome,
  FinishWindowsSignIn,
  FinishWindowsSignInOutcome,
  WindowsSignInActivities,
} from '../activities/windows/windows-sign-in.activities.js';

export type WindowsSignInStep =
  ({ step: 'begin' } & BeginWindowsSignIn) | ({ step: 'finish' } & FinishWindowsSignIn);

export type WindowsSignInStepOutcome = BeginWindowsSignInOutcome | FinishWindowsSignInOutcome;

export async function windowsSignInWorkflow(input: WindowsSignInStep): Promise<WindowsSignInStepOutcome> {
  const begin = proxyActivities<WindowsSignInActivities>({
    startToCloseTimeout: '15 seconds',
    retry: { initialInterval: '1 second', maximumAttempts: 3 },
  });
  // The authorization code is single-use at the provider: a second exchange can only fail.
  const finish = proxyActivities<WindowsSignInActivities>({
    startToCloseTimeout: '15 seconds',
    retry: { maximumAttempts: 1 },
  });
  switch (input.step) {
    case 'begin':
      return begin.beginWindowsSignIn(input);
    case 'finish':
      return finish.finishWindowsSignIn(input);
    default:
      return unreachable(input);
  }
}

function unreachable(value: never): never {
  throw new TypeError(`unknown sign-in step ${JSON.stringify(value)}`);
}
