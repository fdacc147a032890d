// ADE with sign-in: the `configuration_web_url` of Keep's ADE profile. Setup Assistant opens it in a web view with the
// device's signed MachineInfo in `x-apple-aspen-deviceinfo`; the edge carries the web view to the OIDC provider and
// back, and answers the callback with the enrolment profile. The core admits the device, holds the client secret,
// checks the provider's answer and binds the user who signed in as the device's owner: the edge decides nothing.
// https://developer.apple.com/documentation/devicemanagement/authenticating-through-web-views
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { profileReplyContext } from '../../core/apple/enrollment-profile.js';
import { withDeadline } from '../../core/concurrency/deadline.js';
import { generateBoxKeyPair, openSealed } from '../../core/crypto/sealed-box.js';
import type { Logger } from '../../core/log/logger.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import type {
  DepSignInStep,
  DepSignInStepOutcome,
  depSignInWorkflow,
} from '../../workflows/dep-sign-in.workflow.js';
import { notAdmitted, readMachineInfo } from './machine-info.js';

export const DEP_SIGN_IN_PATHS = {
  start: '/mdm/dep/sign-in',
  callback: '/mdm/dep/sign-in/callback',
} as const;

export const DEVICE_INFO_HEADER = 'x-apple-aspen-deviceinfo';

/** Binds the provider's answer to the web view that started the sign-in (no login CSRF). */
const STATE_COOKIE = 'keep_dep_sign_in';
const STATE_MAX_AGE_S = 600;
/** Base64 of a SignedData holding a short plist and the device's certificate: a few kilobytes. */
const MAX_DEVICE_INFO = 16 * 1024;

export interface DepSignInDeps {
  temporal: Client;
  coreTaskQueue: string;
  edgeTaskQueue: string;
  log: Logger;
  /** `edge.publicUrl`: the callback registered at the provider is `<publicUrl>/mdm/dep/sign-in/callback`. */
  publicUrl: string;
  timeoutMs: number;
}

type Step =
  { ok: true; outcome: DepSignInStepOutcome } | { ok: false; failure: 'not-admitted' | 'unavailable' };

function page(c: Context, status: 400 | 401 | 403 | 503, message: string): Response | Promise<Response> {
  c.header('cache-control', 'no-store');
  if (status === 503) c.header('retry-after', '30');
  return c.html(
    html`<!doctype html><title>Keep enrolment</title>
      <p>${message}</p>`,
    status,
  );
}

/** The header is base64 of the CMS SignedData; anything else is refused before the core is asked. */
function deviceInfo(value: string | undefined) {
  if (!value) return undefined;
  if (value.length > MAX_DEVICE_INFO || !/^[A-Za-z0-9+/=\s]+$/.test(value)) return undefined;
  return readMachineInfo(Buffer.from(value, 'base64'), true);
}

export function depSignInRoutes(deps: DepSignInDeps) {
  const redirectUri = new URL(DEP_SIGN_IN_PATHS.callback, deps.publicUrl).href;
  const secure = new URL(deps.publicUrl).protocol === 'https:';

  async function step(input: DepSignInStep): Promise<Step> {
    try {
      const outcome = await withDeadline(
        deps.temporal.workflow.execute<typeof depSignInWorkflow>('depSignInWorkflow', {
          workflowId: workflowIds.depSignIn(randomUUID()),
          taskQueue: deps.coreTaskQueue,
          args: [input],
        }),
        deps.timeoutMs,
      );
      return { ok: true, outcome };
    } catch (error) {
      if (error instanceof WorkflowFailedError && notAdmitted(error))
        return { ok: false, failure: 'not-admitted' };
      deps.log.warn(
        { err: { name: (error as Error).name }, step: input.step },
        'ADE sign-in: core unavailable',
      );
      return { ok: false, failure: 'unavailable' };
    }
  }

  function failed(c: Context, failure: 'not-admitted' | 'unavailable') {
    return failure === 'not-admitted'
      ? page(c, 403, 'This device is not assigned to this organisation’s device management.')
      : page(c, 503, 'Sign-in is unavailable right now; try again in a minute.');
  }

  return new Hono()
    .get(DEP_SIGN_IN_PATHS.start, async (c) => {
      const info = deviceInfo(c.req.header(DEVICE_INFO_HEADER));
      if (!info)
        return page(c, 400, `${DEVICE_INFO_HEADER}: expected the device’s signed MachineInfo (base64)`);
      const begun = await step({ step: 'begin', serialNumber: info.serialNumber, redirectUri });
      if (!begun.ok) return failed(c, begun.failure);
      if (begun.outcome.status !== 'redirect')
        return page(c, 503, 'Sign-in to enrol a device is not configured on this server.');
      setCookie(c, STATE_COOKIE, begun.outcome.state, {
        path: DEP_SIGN_IN_PATHS.start,
        httpOnly: true,
        secure,
        sameSite: 'Lax',
        maxAge: STATE_MAX_AGE_S,
      });
      return c.redirect(begun.outcome.authorizationUrl, 302);
    })
    .get(DEP_SIGN_IN_PATHS.callback, async (c) => {
      const state = c.req.query('state');
      const bound = getCookie(c, STATE_COOKIE);
      deleteCookie(c, STATE_COOKIE, { path: DEP_SIGN_IN_PATHS.start, secure });
      if (!state || state !== bound)
        return page(c, 400, 'state: does not match the sign-in this device started; start again');
      const reply = generateBoxKeyPair();
      const finished = await step({
        step: 'finish',
        state,
        search: new URL(c.req.url).search,
        edgeTaskQueue: deps.edgeTaskQueue,
        replyTo: reply.recipient,
      });
      if (!finished.ok) return failed(c, finished.failure);
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
          return page(c, 503, 'Sign-in to enrol a device is not configured on this server.');
        case 'refused':
          deps.log.info({ reason: outcome.reason }, 'ADE sign-in refused');
          return outcome.reason === 'user-disabled'
            ? page(c, 403, 'This user may not enrol devices.')
            : page(c, 401, 'The sign-in did not complete; start again.');
        default:
          return unreachable(outcome);
      }
    });
}

function unreachable(value: never): never {
  throw new TypeError(`unhandled sign-in outcome ${JSON.stringify(value)}`);
}
