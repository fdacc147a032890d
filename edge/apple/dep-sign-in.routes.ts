// ADE with sign-in: the `configuration_web_url` of Keep's ADE profile. Setup Assistant opens it in a web view with the
// device's signed MachineInfo in `x-apple-aspen-deviceinfo`; the edge carries the web view to the OIDC provider and
// back, and answers the callback with the enrolment profile. The core admits the device, holds the client secret,
// checks the provider's answer and binds the user who signed in as the device's owner: the edge decides nothing.
// https://developer.apple.com/documentation/devicemanagement/authenticating-through-web-views
import { Hono, type Context } from 'hono';
import { profileReplyContext } from '../../core/apple/enrollment-profile.js';
import { generateBoxKeyPair, openSealed } from '../../core/crypto/sealed-box.js';
import type { TrustStore } from '../../core/cms/index.js';
import { readMachineInfo } from './machine-info.js';
import { signInPage, signInStep, stateCookie, type SignInStepDeps } from './sign-in-step.js';

export const DEP_SIGN_IN_PATHS = {
  start: '/mdm/dep/sign-in',
  callback: '/mdm/dep/sign-in/callback',
} as const;

export const DEVICE_INFO_HEADER = 'x-apple-aspen-deviceinfo';

/** Base64 of a SignedData holding a short plist and the device's certificate: a few kilobytes. */
const MAX_DEVICE_INFO = 16 * 1024;

export type DepSignInDeps = SignInStepDeps & {
  edgeTaskQueue: string;
  /** The roots a MachineInfo signer must chain to (edge.appleDeviceCaFile). */
  machineInfoCa?: TrustStore;
};

/** The header is base64 of the CMS SignedData; anything else is refused before the core is asked. */
function deviceInfo(value: string | undefined, machineInfoCa: TrustStore | undefined) {
  if (!value) return undefined;
  if (value.length > MAX_DEVICE_INFO || !/^[A-Za-z0-9+/=\s]+$/.test(value)) return undefined;
  return readMachineInfo(Buffer.from(value, 'base64'), true, machineInfoCa);
}

export function failedStepPage(c: Context, failure: 'not-admitted' | 'unavailable') {
  return failure === 'not-admitted'
    ? signInPage(c, 403, 'This device is not assigned to this organisation’s device management.')
    : signInPage(c, 503, 'Sign-in is unavailable right now; try again in a minute.');
}

export function depSignInRoutes(deps: DepSignInDeps) {
  const redirectUri = new URL(DEP_SIGN_IN_PATHS.callback, deps.publicUrl).href;
  const cookie = stateCookie('keep_dep_sign_in', DEP_SIGN_IN_PATHS.start, deps.publicUrl);
  const step = signInStep(deps);

  return new Hono()
    .get(DEP_SIGN_IN_PATHS.start, async (c) => {
      const info = deviceInfo(c.req.header(DEVICE_INFO_HEADER), deps.machineInfoCa);
      if (!info)
        return signInPage(c, 400, `${DEVICE_INFO_HEADER}: expected the device’s signed MachineInfo (base64)`);
      const begun = await step({ step: 'begin', serialNumber: info.serialNumber, redirectUri });
      if (!begun.ok) return failedStepPage(c, begun.failure);
      if (begun.outcome.status !== 'redirect')
        return signInPage(c, 503, 'Sign-in to enrol a device is not configured on this server.');
      cookie.set(c, begun.outcome.state);
      return c.redirect(begun.outcome.authorizationUrl, 302);
    })
    .get(DEP_SIGN_IN_PATHS.callback, async (c) => {
      const state = c.req.query('state');
      if (!cookie.matches(c, state))
        return signInPage(c, 400, 'state: does not match the sign-in this device started; start again');
      const reply = generateBoxKeyPair();
      const finished = await step({
        step: 'finish',
        state,
        search: new URL(c.req.url).search,
        edgeTaskQueue: deps.edgeTaskQueue,
        replyTo: reply.recipient,
      });
      if (!finished.ok) return failedStepPage(c, finished.failure);
      const { outcome } = finished;
      switch (outcome.status) {
        case 'enrolled': {
          const profile = openSealed(reply, outcome.sealedProfile, profileReplyContext(outcome.enrollmentId));
          // Setup Assistant closes the web view when it receives a profile and goes on to install it.
          return c.body(new Uint8Array(profile), 200, {
            'Content-Type': 'application/x-apple-aspen-config',
            'Cache-Control': 'no-store',
          });
        }
        case 'redirect':
        case 'not-configured':
        case 'token':
          return signInPage(c, 503, 'Sign-in to enrol a device is not configured on this server.');
        case 'refused':
          deps.log.info({ reason: outcome.reason }, 'ADE sign-in refused');
          return outcome.reason === 'user-disabled'
            ? signInPage(c, 403, 'This user may not enrol devices.')
            : signInPage(c, 401, 'The sign-in did not complete; start again.');
        default:
          return unreachable(outcome);
      }
    });
}

export function unreachable(value: never): never {
  throw new TypeError(`unhandled sign-in outcome ${JSON.stringify(value)}`);
}
