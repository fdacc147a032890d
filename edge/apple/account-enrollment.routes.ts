// Account-driven enrolment, of an organisation's device (ADDE) or a personal one (BYOD User Enrollment): the user
// types their Managed Apple Account in Settings; the device finds Keep through `/.well-known/com.apple.remotemanagement`,
// is told to sign in on the web (`apple-as-web`), receives an access token when the sign-in ends, and trades it for
// the enrolment profile. The edge carries the web session and
// relays the token; the core checks the sign-in, issues the token, uses it once and binds the user to the enrolment.
// https://developer.apple.com/documentation/devicemanagement/onboarding-users-with-account-driven-enrollment
// https://developer.apple.com/documentation/devicemanagement/implementing-the-simple-authentication-account-driven-enrollment-flow
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { profileReplyContext, type AccountEnrollmentMode } from '../../core/apple/enrollment-profile.js';
import { generateBoxKeyPair, openSealed } from '../../core/crypto/sealed-box.js';
import { failedStepPage, unreachable } from './dep-sign-in.routes.js';
import { signInPage, signInStep, stateCookie, type SignInStepDeps } from './sign-in-step.js';

export const ACCOUNT_PATHS = {
  discovery: '/.well-known/com.apple.remotemanagement',
  enroll: '/mdm/account/enroll',
  /** BYOD User Enrollment (`mdm-byod`): the same exchange, for a profile whose EnrollmentMode is BYOD. */
  userEnroll: '/mdm/account/user-enroll',
  signIn: '/mdm/account/sign-in',
  callback: '/mdm/account/sign-in/callback',
} as const;

/** Where the web session hands the token back to the device (Apple's Authentication Services callback). */
export const ACCOUNT_RESULT_URL = 'apple-remotemanagement-user-login://authentication-results';

/** The device's enrolment request carries MachineInfo, a handful of short strings. */
const MAX_BODY = 64 * 1024;
/** Tokens Keep issues are 43 base64url characters; anything far longer is not one. */
const MAX_TOKEN = 256;

export type AccountEnrollmentDeps = SignInStepDeps & {
  edgeTaskQueue: string;
  /** `edge.appleAccountEnrollment`; off, every path answers 404 like an unknown one. */
  enabled: boolean;
};

export function accountEnrollmentRoutes(deps: AccountEnrollmentDeps) {
  const url = (path: string) => new URL(path, deps.publicUrl).href;
  const cookie = stateCookie('keep_account_sign_in', ACCOUNT_PATHS.signIn, deps.publicUrl);
  const step = signInStep(deps);

  /** 401 with the challenge that sends the device to the web sign-in (and back here with a token). */
  function challenge(c: Context) {
    c.header('www-authenticate', `Bearer method="apple-as-web" url="${url(ACCOUNT_PATHS.signIn)}"`);
    c.header('cache-control', 'no-store');
    return c.text('sign in to enrol this device', 401);
  }

  const enrollBodyLimit = bodyLimit({
    maxSize: MAX_BODY,
    onError: (c) => c.text('request body too large', 413),
  });

  /** The device's request with the token its web sign-in returned: the profile, or the challenge again. */
  async function enroll(c: Context, mode: AccountEnrollmentMode) {
    const token = /^Bearer ([A-Za-z0-9_-]+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    if (!token || token.length > MAX_TOKEN) return challenge(c);
    const reply = generateBoxKeyPair();
    const enrolled = await step({ step: 'enroll', accessToken: token, mode, replyTo: reply.recipient });
    if (!enrolled.ok) {
      c.header('retry-after', '30');
      return c.text('the core is not reachable; try again later', 503);
    }
    const { outcome } = enrolled;
    // An unknown, used or expired token: the device starts the sign-in again.
    if (outcome.status !== 'enrolled') return challenge(c);
    const profile = openSealed(reply, outcome.sealedProfile, profileReplyContext(outcome.enrollmentId));
    return c.body(new Uint8Array(profile), 200, {
      'Content-Type': 'application/x-apple-aspen-config',
      'Cache-Control': 'no-store',
    });
  }

  return new Hono()
    .use('*', async (c, next) => {
      const path = c.req.path;
      const ours = path === ACCOUNT_PATHS.discovery || path.startsWith('/mdm/account/');
      return ours && !deps.enabled ? c.notFound() : next();
    })
    .get(ACCOUNT_PATHS.discovery, (c) =>
      // The device picks the server of the enrolment its user chose: its own device (ADDE) or a personal one (BYOD).
      c.json({
        Servers: [
          { Version: 'mdm-byod', BaseURL: url(ACCOUNT_PATHS.userEnroll) },
          { Version: 'mdm-adde', BaseURL: url(ACCOUNT_PATHS.enroll) },
        ],
      }),
    )
    .post(ACCOUNT_PATHS.enroll, enrollBodyLimit, (c) => enroll(c, 'ADDE'))
    .post(ACCOUNT_PATHS.userEnroll, enrollBodyLimit, (c) => enroll(c, 'BYOD'))
    .get(ACCOUNT_PATHS.signIn, async (c) => {
      const begun = await step({ step: 'begin', redirectUri: url(ACCOUNT_PATHS.callback) });
      if (!begun.ok) return failedStepPage(c, begun.failure);
      if (begun.outcome.status !== 'redirect')
        return signInPage(c, 503, 'Sign-in to enrol a device is not configured on this server.');
      cookie.set(c, begun.outcome.state);
      return c.redirect(begun.outcome.authorizationUrl, 302);
    })
    .get(ACCOUNT_PATHS.callback, async (c) => {
      const state = c.req.query('state');
      if (!cookie.matches(c, state))
        return signInPage(c, 400, 'state: does not match the sign-in this device started; start again');
      // An account sign-in's finish answers a token, not a profile: the one-time key goes unused.
      const finished = await step({
        step: 'finish',
        state,
        search: new URL(c.req.url).search,
        edgeTaskQueue: deps.edgeTaskQueue,
        replyTo: generateBoxKeyPair().recipient,
      });
      if (!finished.ok) return failedStepPage(c, finished.failure);
      const { outcome } = finished;
      switch (outcome.status) {
        case 'token': {
          c.header('cache-control', 'no-store');
          c.header('referrer-policy', 'no-referrer');
          const done = new URL(ACCOUNT_RESULT_URL);
          done.searchParams.set('access-token', outcome.accessToken);
          return c.redirect(done.href, 302);
        }
        case 'redirect':
        case 'not-configured':
        case 'enrolled':
          return signInPage(c, 503, 'Sign-in to enrol a device is not configured on this server.');
        case 'refused':
          deps.log.info({ reason: outcome.reason }, 'account-driven sign-in refused');
          return outcome.reason === 'user-disabled'
            ? signInPage(c, 403, 'This user may not enrol devices.')
            : signInPage(c, 401, 'The sign-in did not complete; start again.');
        default:
          return unreachable(outcome);
      }
    });
}
