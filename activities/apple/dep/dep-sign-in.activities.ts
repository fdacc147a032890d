// ADE with sign-in (`configuration_web_url`) in the core: the OIDC client and its secret, the ID token's checks and
// who the user is in the directory are decided here; the edge only carries the web view to the provider and back.
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../../../core/db/core-database.js';
import { findOidcUser, findOrCreateOidcUser } from '../../../core/directory/oidc-user.repository.js';
import type { DirectoryActivities } from '../../directory/directory-sync.activities.js';
import { oidcConfiguration } from '../../../core/oidc/oidc-client.js';
import { beginSignIn, verifySignInAnswer } from '../../../core/oidc/sign-in-answer.js';
import type { SignInSettings } from '../../windows/windows-sign-in.activities.js';
import {
  bindDepSignIn,
  completeDepSignIn,
  findOpenDepSignIn,
  insertDepSignIn,
} from './dep-sign-in.repository.js';

/** Setup Assistant's user must come back from the provider within this time. */
const LOGIN_MAX_AGE_MS = 10 * 60_000;

export interface BeginDepSignIn {
  /** The edge's callback (`<edge publicUrl>/mdm/dep/sign-in/callback`), registered at the provider. */
  redirectUri: string;
  /** From the device's verified `x-apple-aspen-deviceinfo`; kept in the core, never in an id. */
  serialNumber: string;
}

export type BeginDepSignInOutcome =
  { status: 'redirect'; authorizationUrl: string; state: string } | { status: 'not-configured' };

export interface FinishDepSignIn {
  state: string;
  /** The callback's query string as the provider sent it (code, state, or an error). */
  search: string;
}

export type DepSignInRefusal = 'unknown-state' | 'invalid-answer' | 'user-disabled' | 'not-configured';

export type FinishDepSignInOutcome =
  { status: 'signed-in'; serialNumber: string } | { status: 'refused'; reason: DepSignInRefusal };

export function createDepSignInActivities(deps: {
  db: Kysely<CoreDatabase>;
  signIn?: SignInSettings | undefined;
  /** Absent without a directory: users are then matched against what SCIM or an earlier sync left. */
  directory?: Pick<DirectoryActivities, 'syncDirectory'> | undefined;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const { signInIssuer: issuer, signInClientId: clientId } = deps.signIn ?? {};
  const configuration =
    issuer && clientId
      ? oidcConfiguration({ issuer, clientId, clientSecret: deps.signIn?.signInClientSecret, now })
      : undefined;
  return {
    async beginDepSignIn(input: BeginDepSignIn): Promise<BeginDepSignInOutcome> {
      if (!configuration) return { status: 'not-configured' };
      const { url, state, nonce, codeVerifier } = await beginSignIn(await configuration(), {
        redirectUri: input.redirectUri,
        scope: deps.signIn!.signInScopes,
      });
      await insertDepSignIn(deps.db, {
        state,
        nonce,
        codeVerifier,
        redirectUri: input.redirectUri,
        serialNumber: input.serialNumber,
        now: now(),
        maxAgeMs: LOGIN_MAX_AGE_MS,
      });
      return { status: 'redirect', authorizationUrl: url.href, state };
    },

    /** The signed-in directory user (matched by subject, verified e-mail or username) and the device it is for. */
    async finishDepSignIn(input: FinishDepSignIn): Promise<FinishDepSignInOutcome> {
      if (!configuration) return { status: 'refused', reason: 'not-configured' };
      const signIn = await findOpenDepSignIn(deps.db, input.state, now());
      if (!signIn) return { status: 'refused', reason: 'unknown-state' };
      const config = await configuration();
      const claims = await verifySignInAnswer(
        config,
        {
          redirectUri: signIn.redirect_uri,
          state: input.state,
          nonce: signIn.nonce,
          codeVerifier: signIn.code_verifier,
        },
        input.search,
      );
      if (!claims) return { status: 'refused', reason: 'invalid-answer' };
      const issuer = config.serverMetadata().issuer;
      // A new hire may sign in before the next scheduled sync brings them (and their groups) in: sync once.
      if (!(await findOidcUser(deps.db, issuer, claims)) && deps.directory)
        await deps.directory.syncDirectory({});
      const user = await findOrCreateOidcUser(deps.db, issuer, claims);
      if (user.disabled) return { status: 'refused', reason: 'user-disabled' };
      if (!(await completeDepSignIn(deps.db, { state: input.state, userId: user.id })))
        return { status: 'refused', reason: 'unknown-state' };
      return { status: 'signed-in', serialNumber: signIn.serial_number };
    },

    /**
     * Makes the signed-in user the owner of the enrolment the sign-in starts. Only the workflow that checked the
     * provider's answer calls it, with the state it checked: no workflow input names an owner, so nothing the
     * edge can start chooses one.
     */
    async bindDepSignIn(input: { state: string; enrollmentId: string }): Promise<void> {
      if (!(await bindDepSignIn(deps.db, input)))
        throw ApplicationFailure.nonRetryable(
          'the sign-in is unfinished or started another enrolment',
          'NotSignedIn',
        );
    },
  };
}

export type DepSignInActivities = ReturnType<typeof createDepSignInActivities>;
