// A sign-in that enrols a Windows PC: the OIDC login in progress, then the single-use token the PC enrols with.
import type { Generated, Selectable } from 'kysely';

export interface WindowsSignInTable {
  /** SHA-256 of the OIDC `state`; the browser holds the state itself, bound by a cookie at the edge. */
  state_hash: string;
  nonce: string;
  code_verifier: string;
  redirect_uri: string;
  /** Where the PC's web broker waits for the token (an ms-app:// URI). */
  appru: string;
  /** Until when the provider may send the browser back. */
  expires_at: Date;
  /** Set once the ID token validated: the user the PC enrols for. */
  user_id: string | null;
  /** SHA-256 of the enrolment token handed to the PC; never the token. */
  token_hash: string | null;
  token_expires_at: Date | null;
  /** Set when an enrolment used the token: it serves once. */
  token_used_at: Date | null;
  /** The enrolment that used it: that enrolment's retries may use it again, no other. */
  token_used_by: string | null;
  created_at: Generated<Date>;
}

export type WindowsSignIn = Selectable<WindowsSignInTable>;
