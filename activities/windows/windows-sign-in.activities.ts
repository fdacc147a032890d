// Windows federated enrolment (MS-MDE2 Federated) in the core: the OIDC client with its secret, the ID token's
// validation and who the user is are decided here; the edge only carries the browser to the provider and back.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { findOrCreateOidcUser } from '../../core/directory/oidc-user.repository.js';
import { oidcConfiguration } from '../../core/oidc/oidc-client.js';
import { beginSignIn, verifyStoredSignIn } from '../../core/oidc/sign-in-answer.js';
import { completeSignIn, findOpenSignIn, insertWindowsSignIn } from './windows-sign-in.repository.js';

export interface SignInSettings {
  signInIssuer?: string | undefined;
  signInClientId?: string | undefined;
  signInClientSecret?: string | undefined;
  signInScopes: string;
}

/** The provider must send the browser back within this time. */
const LOGIN_MAX_AGE_MS = 10 * 60_000;
/** The PC posts the token to the enrolment service right after the broker closes: minutes are plenty. */
const TOKEN_MAX_AGE_MS = 10 * 60_000;

export interface BeginWindowsSignIn {
  /** The edge's callback (`<edge publicUrl>/EnrollmentServer/SignIn/callback`), registered at the provider. */
  redirectUri: string;
  /** The web broker's ms-app:// URI the token is posted to at the end. */
  appru: string;
  loginHint?: string | undefined;
}

export type BeginWindowsSignInOutcome =
  { status: 'redirect'; authorizationUrl: string; state: string } | { status: 'not-configured' };

export interface FinishWindowsSignIn {
  state: string;
  /** The callback's query string as the provider sent it (code, state, or an error). */
  search: string;
}

export type FinishWindowsSignInOutcome =
  | { status: 'signed-in'; token: string; appru: string }
  | { status: 'refused'; reason: 'unknown-state' | 'invalid-answer' | 'user-disabled' | 'not-configured' };

export function createWindowsSignInActivities(deps: {
  db: Kysely<CoreDatabase>;
  signIn?: SignInSettings | undefined;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const { signInIssuer: issuer, signInClientId: clientId } = deps.signIn ?? {};
  const configuration =
    issuer && clientId
      ? oidcConfiguration({ issuer, clientId, clientSecret: deps.signIn?.signInClientSecret, now })
      : undefined;
  return {
    async beginWindowsSignIn(input: BeginWindowsSignIn): Promise<BeginWindowsSignInOutcome> {
      if (!configuration) return { status: 'not-configured' };
      const { url, state, nonce, codeVerifier } = await beginSignIn(await configuration(), {
        redirectUri: input.redirectUri,
        scope: deps.signIn!.signInScopes,
        loginHint: input.loginHint,
      });
      await insertWindowsSignIn(deps.db, {
        state,
        nonce,
        codeVerifier,
        redirectUri: input.redirectUri,
        appru: input.appru,
        now: now(),
        maxAgeMs: LOGIN_MAX_AGE_MS,
      });
      return { status: 'redirect', authorizationUrl: url.href, state };
    },

    async finishWindowsSignIn(input: FinishWindowsSignIn): Promise<FinishWindowsSignInOutcome> {
      if (!configuration) return { status: 'refused', reason: 'not-configured' };
      const signIn = await findOpenSignIn(deps.db, input.state, now());
      if (!signIn) return { status: 'refused', reason: 'unknown-state' };
      const config = await configuration();
      const claims = await verifyStoredSignIn(config, signIn, input.state, input.search);
      if (!claims) return { status: 'refused', reason: 'invalid-answer' };
      const user = await findOrCreateOidcUser(deps.db, config.serverMetadata().issuer, claims);
      if (user.disabled) return { status: 'refused', reason: 'user-disabled' };
      const token = randomBytes(32).toString('base64url');
      const done = await completeSignIn(deps.db, {
        state: input.state,
        userId: user.id,
        token,
        tokenExpiresAt: new Date(now().getTime() + TOKEN_MAX_AGE_MS),
      });
      if (!done) return { status: 'refused', reason: 'unknown-state' };
      return { status: 'signed-in', token, appru: signIn.appru };
    },
  };
}

export type WindowsSignInActivities = ReturnType<typeof createWindowsSignInActivities>;
