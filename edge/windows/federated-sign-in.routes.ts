// MS-MDE2 Federated authentication at the edge: the page the PC's web broker opens (AuthenticationServiceUrl). The
// edge only carries the browser to the OIDC provider and back; the core (through Temporal) holds the client secret,
// validates the provider's answer and issues the enrolment token the page posts to the broker's `appru`.
import type { Client } from '@temporalio/client';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { withDeadline } from '../../core/concurrency/deadline.js';
import type { Logger } from '../../core/log/logger.js';
import { newOpaqueId, workflowIds } from '../../core/temporal/task-queues.js';
import type {
  WindowsSignInStep,
  WindowsSignInStepOutcome,
  windowsSignInWorkflow,
} from '../../workflows/windows-sign-in.workflow.js';

export const SIGN_IN_PATHS = {
  start: '/EnrollmentServer/SignIn',
  callback: '/EnrollmentServer/SignIn/callback',
  /** The one script the token page runs: CSP allows scripts from this origin only, none inline. */
  script: '/EnrollmentServer/SignIn/post.js',
} as const;

/** Binds the provider's answer to the browser that started the sign-in (no login CSRF). */
const STATE_COOKIE = 'keep_windows_sign_in';
const STATE_MAX_AGE_S = 600;
const MAX_APPRU = 2048;
const MAX_LOGIN_HINT = 320;

const POST_SCRIPT = 'document.forms[0].submit();\n';

export interface FederatedSignInDeps {
  temporal: Client;
  coreTaskQueue: string;
  log: Logger;
  /** `edge.publicUrl`: the callback registered at the provider is `<publicUrl>/EnrollmentServer/SignIn/callback`. */
  publicUrl: string;
  timeoutMs: number;
  /** `edge.windowsFederated`; off, the pages answer 404 like any unknown path. */
  enabled: boolean;
}

/** The sign-in page's URL for discovery's AuthenticationServiceUrl: on the public URL, where its cookie lives. */
export const signInUrl = (publicUrl: string) => new URL(SIGN_IN_PATHS.start, publicUrl).href;

/**
 * The token goes only to the web broker that asked for it: an ms-app:// URI (MS-MDE2 §3.2.5.1 `appru`). Any other
 * scheme would let a link hand a signed-in user's enrolment token to a web site.
 */
function brokerUri(value: string | undefined): string | undefined {
  if (!value || value.length > MAX_APPRU) return undefined;
  try {
    return new URL(value).protocol === 'ms-app:' ? value : undefined;
  } catch {
    return undefined;
  }
}

function page(c: Context, status: 400 | 401 | 403 | 503, message: string): Response | Promise<Response> {
  c.header('cache-control', 'no-store');
  return c.html(
    html`<!doctype html><title>Keep enrolment</title>
      <p>${message}</p>`,
    status,
  );
}

export function federatedSignInRoutes(deps: FederatedSignInDeps) {
  const redirectUri = new URL(SIGN_IN_PATHS.callback, deps.publicUrl).href;
  const secure = new URL(deps.publicUrl).protocol === 'https:';

  async function step(input: WindowsSignInStep): Promise<WindowsSignInStepOutcome | undefined> {
    try {
      return await withDeadline(
        deps.temporal.workflow.execute<typeof windowsSignInWorkflow>('windowsSignInWorkflow', {
          workflowId: workflowIds.windowsSignIn(newOpaqueId()),
          taskQueue: deps.coreTaskQueue,
          args: [input],
        }),
        deps.timeoutMs,
      );
    } catch (error) {
      deps.log.warn(
        { err: { name: (error as Error).name }, step: input.step },
        'windows sign-in: core unavailable',
      );
      return undefined;
    }
  }

  return new Hono()
    .use(SIGN_IN_PATHS.start, async (c, next) => (deps.enabled ? next() : c.notFound()))
    .use(`${SIGN_IN_PATHS.start}/*`, async (c, next) => (deps.enabled ? next() : c.notFound()))
    .get(SIGN_IN_PATHS.start, async (c) => {
      const appru = brokerUri(c.req.query('appru'));
      if (!appru) return page(c, 400, 'appru: expected the enrolment client’s ms-app:// address');
      const loginHint = c.req.query('login_hint');
      if (loginHint !== undefined && loginHint.length > MAX_LOGIN_HINT)
        return page(c, 400, `login_hint: longer than ${MAX_LOGIN_HINT} characters`);
      const outcome = await step({ step: 'begin', redirectUri, appru, loginHint: loginHint || undefined });
      if (!outcome) {
        c.header('retry-after', '30');
        return page(c, 503, 'Sign-in is unavailable right now; try again in a minute.');
      }
      if (outcome.status !== 'redirect')
        return page(c, 503, 'Sign-in to enrol a device is not configured on this server.');
      setCookie(c, STATE_COOKIE, outcome.state, {
        path: SIGN_IN_PATHS.start,
        httpOnly: true,
        secure,
        sameSite: 'Lax',
        maxAge: STATE_MAX_AGE_S,
      });
      return c.redirect(outcome.authorizationUrl, 302);
    })
    .get(SIGN_IN_PATHS.callback, async (c) => {
      const state = c.req.query('state');
      const bound = getCookie(c, STATE_COOKIE);
      deleteCookie(c, STATE_COOKIE, { path: SIGN_IN_PATHS.start, secure });
      if (!state || state !== bound)
        return page(c, 400, 'state: does not match the sign-in this window started; start again');
      const outcome = await step({ step: 'finish', state, search: new URL(c.req.url).search });
      if (!outcome) {
        c.header('retry-after', '30');
        return page(c, 503, 'Sign-in is unavailable right now; start the enrolment again in a minute.');
      }
      switch (outcome.status) {
        case 'signed-in':
          break;
        case 'redirect':
        case 'not-configured':
          return page(c, 503, 'Sign-in to enrol a device is not configured on this server.');
        case 'refused':
          deps.log.info({ reason: outcome.reason }, 'windows sign-in refused');
          return outcome.reason === 'user-disabled'
            ? page(c, 403, 'This user may not enrol devices.')
            : page(c, 401, 'The sign-in did not complete; start the enrolment again.');
        default:
          return unreachable(outcome);
      }
      // The broker reads the token from the form posted to appru (`wresult`); the page holds no inline script.
      c.header(
        'content-security-policy',
        `default-src 'none'; script-src 'self'; form-action ms-app:; base-uri 'none'; frame-ancestors 'none'`,
      );
      c.header('cache-control', 'no-store');
      c.header('referrer-policy', 'no-referrer');
      return c.html(
        html`<!doctype html><title>Keep enrolment</title>
          <form method="post" action="${outcome.appru}">
            <input type="hidden" name="wresult" value="${outcome.token}" /><noscript
              ><button type="submit">Continue</button></noscript
            >
          </form>
          <script src="${SIGN_IN_PATHS.script}"></script>`,
      );
    })
    .get(SIGN_IN_PATHS.script, (c) => {
      c.header('cache-control', 'public, max-age=86400');
      return c.body(POST_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8' });
    });
}

function unreachable(value: never): never {
  throw new TypeError(`unhandled sign-in outcome ${JSON.stringify(value)}`);
}
