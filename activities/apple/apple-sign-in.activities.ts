// Apple enrolment after an OIDC sign-in, in the core: ADE with sign-in (`configuration_web_url`) and account-driven
// enrolment. The OIDC client and its secret, the ID token's checks, who the user is in the directory and which
// enrolment they own are decided here; the edge only carries the web view to the provider and back.
import { randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { AccountEnrollmentMode } from '../../core/apple/enrollment-profile.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { findOidcUser, findOrCreateOidcUser } from '../../core/directory/oidc-user.repository.js';
import { oidcConfiguration } from '../../core/oidc/oidc-client.js';
import { beginSignIn, verifyStoredSignIn } from '../../core/oidc/sign-in-answer.js';
import type { DirectoryActivities } from '../directory/directory-sync.activities.js';
import type { SignInSettings } from '../windows/windows-sign-in.activities.js';
import {
  bindAppleSignIn,
  completeAppleSignIn,
  findOpenAppleSignIn,
  insertAppleSignIn,
  issueAccountToken,
  takeAccountToken,
} from './apple-sign-in.repository.js';

/** The user must come back from the provider within this time. */
const LOGIN_MAX_AGE_MS = 10 * 60_000;
/** The device posts the access token to the enrolment endpoint right after the web session closes. */
const TOKEN_MAX_AGE_MS = 10 * 60_000;

export interface BeginAppleSignIn {
  /** The edge's callback, registered at the provider. */
  redirectUri: string;
  /** ADE: from the device's verified `x-apple-aspen-deviceinfo`, kept in the core; absent = account-driven. */
  serialNumber?: string | undefined;
}

export type BeginAppleSignInOutcome =
  { status: 'redirect'; authorizationUrl: string; state: string } | { status: 'not-configured' };

export interface FinishAppleSignIn {
  state: string;
  /** The callback's query string as the provider sent it (code, state, or an error). */
  search: string;
}

export type AppleSignInRefusal =
  'unknown-state' | 'invalid-answer' | 'user-disabled' | 'not-configured' | 'unknown-token';

export type FinishAppleSignInOutcome =
  { status: 'signed-in'; serialNumber: string | null } | { status: 'refused'; reason: AppleSignInRefusal };

export function createAppleSignInActivities(deps: {
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
    async beginAppleSignIn(input: BeginAppleSignIn): Promise<BeginAppleSignInOutcome> {
      if (!configuration) return { status: 'not-configured' };
      const { url, state, nonce, codeVerifier } = await beginSignIn(await configuration(), {
        redirectUri: input.redirectUri,
        scope: deps.signIn!.signInScopes,
      });
      await insertAppleSignIn(deps.db, {
        state,
        nonce,
        codeVerifier,
        redirectUri: input.redirectUri,
        serialNumber: input.serialNumber ?? null,
        now: now(),
        maxAgeMs: LOGIN_MAX_AGE_MS,
      });
      return { status: 'redirect', authorizationUrl: url.href, state };
    },

    /** The signed-in directory user (matched by subject, verified e-mail or username) and the device it is for. */
    async finishAppleSignIn(input: FinishAppleSignIn): Promise<FinishAppleSignInOutcome> {
      if (!configuration) return { status: 'refused', reason: 'not-configured' };
      const signIn = await findOpenAppleSignIn(deps.db, input.state, now());
      if (!signIn) return { status: 'refused', reason: 'unknown-state' };
      const config = await configuration();
      const claims = await verifyStoredSignIn(config, signIn, input.state, input.search);
      if (!claims) return { status: 'refused', reason: 'invalid-answer' };
      const issuer = config.serverMetadata().issuer;
      // A new hire may sign in before the next scheduled sync brings them (and their groups) in: sync once.
      if (!(await findOidcUser(deps.db, issuer, claims)) && deps.directory)
        await deps.directory.syncDirectory({});
      const user = await findOrCreateOidcUser(deps.db, issuer, claims);
      if (user.disabled) return { status: 'refused', reason: 'user-disabled' };
      if (!(await completeAppleSignIn(deps.db, { state: input.state, userId: user.id })))
        return { status: 'refused', reason: 'unknown-state' };
      return { status: 'signed-in', serialNumber: signIn.serial_number };
    },

    /**
     * ADE: makes the signed-in user the owner of the enrolment the sign-in starts. Only the workflow that checked
     * the provider's answer calls it, with the state it checked: no workflow input names an owner, so nothing the
     * edge can start chooses one.
     */
    async bindAppleSignIn(input: { state: string; enrollmentId: string }): Promise<void> {
      if (!(await bindAppleSignIn(deps.db, input)))
        throw ApplicationFailure.nonRetryable(
          'the sign-in is unfinished or started another enrolment',
          'NotSignedIn',
        );
    },

    /**
     * Account-driven: the access token the device presents to the enrolment endpoint (`access-token`), stored
     * hashed. Issued once per finished sign-in: the workflow that checked the answer asks for it.
     */
    async issueAccountToken(input: { state: string }): Promise<{ accessToken: string }> {
      const accessToken = randomBytes(32).toString('base64url');
      const issued = await issueAccountToken(deps.db, {
        state: input.state,
        token: accessToken,
        expiresAt: new Date(now().getTime() + TOKEN_MAX_AGE_MS),
      });
      if (!issued)
        throw ApplicationFailure.nonRetryable('the sign-in is unfinished or has its token', 'NotSignedIn');
      return { accessToken };
    },

    /** Uses an access token for one enrolment (its retries may use it again); false if unknown, used or expired. */
    async takeAccountToken(input: {
      accessToken: string;
      enrollmentId: string;
      /** Absent in histories from before User Enrollment: those were device enrolments. */
      mode?: AccountEnrollmentMode;
    }): Promise<boolean> {
      return takeAccountToken(deps.db, {
        token: input.accessToken,
        enrollmentId: input.enrollmentId,
        mode: input.mode ?? 'ADDE',
        now: now(),
      });
    },
  };
}

export type AppleSignInActivities = ReturnType<typeof createAppleSignInActivities>;
