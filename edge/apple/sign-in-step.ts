// What the Apple sign-in pages share: one step of `appleSignInWorkflow` in the core, the state cookie that binds the
// provider's answer to the web view that started the sign-in (no login CSRF), and the plain page a refusal shows.
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { withDeadline } from '../../core/concurrency/deadline.js';
import type { Logger } from '../../core/log/logger.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import type {
  AppleSignInStep,
  AppleSignInStepOutcome,
  appleSignInWorkflow,
} from '../../workflows/apple-sign-in.workflow.js';
import { notAdmitted } from './machine-info.js';

export interface SignInStepDeps {
  temporal: Client;
  coreTaskQueue: string;
  log: Logger;
  /** `edge.publicUrl`: the callbacks registered at the provider are under it. */
  publicUrl: string;
  timeoutMs: number;
}

export type SignInStepResult =
  { ok: true; outcome: AppleSignInStepOutcome } | { ok: false; failure: 'not-admitted' | 'unavailable' };

const STATE_MAX_AGE_S = 600;

export function signInPage(c: Context, status: 400 | 401 | 403 | 503, message: string) {
  c.header('cache-control', 'no-store');
  if (status === 503) c.header('retry-after', '30');
  return c.html(
    html`<!doctype html><title>Keep enrolment</title>
      <p>${message}</p>`,
    status,
  );
}

/** Runs one step in the core and waits for it; a core that does not answer in time is `unavailable`. */
export function signInStep(deps: SignInStepDeps) {
  return async function step(input: AppleSignInStep): Promise<SignInStepResult> {
    try {
      const outcome = await withDeadline(
        deps.temporal.workflow.execute<typeof appleSignInWorkflow>('appleSignInWorkflow', {
          workflowId: workflowIds.appleSignIn(randomUUID()),
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
        'Apple sign-in: core unavailable',
      );
      return { ok: false, failure: 'unavailable' };
    }
  };
}

/** The sign-in's state in an HttpOnly cookie scoped to `path` (the start page; its callback lies under it). */
export function stateCookie(name: string, path: string, publicUrl: string) {
  const secure = new URL(publicUrl).protocol === 'https:';
  return {
    set(c: Context, state: string): void {
      setCookie(c, name, state, { path, httpOnly: true, secure, sameSite: 'Lax', maxAge: STATE_MAX_AGE_S });
    },
    /** True when the callback's `state` is the one this web view started with; the cookie is spent either way. */
    matches(c: Context, state: string | undefined): state is string {
      const bound = getCookie(c, name);
      deleteCookie(c, name, { path, secure });
      return state !== undefined && state !== '' && state === bound;
    },
  };
}
