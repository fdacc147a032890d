// A sign-in that enrols an Apple device — an ADE device from Setup Assistant's web view, or account-driven enrolment —
// the OIDC login in progress, then who signed in and the enrolment it started.
import type { Generated, Selectable } from 'kysely';
import type { AccountEnrollmentMode } from '../../apple/enrollment-profile.js';

export interface AppleSignInTable {
  /** SHA-256 of the OIDC `state`; the web view holds the state itself, bound by a cookie at the edge. */
  state_hash: string;
  nonce: string;
  code_verifier: string;
  redirect_uri: string;
  /** ADE: from the device's signed `x-apple-aspen-deviceinfo`, the device the profile is for; null = account-driven. */
  serial_number: string | null;
  /** Until when the provider may send the web view back. */
  expires_at: Date;
  /** Set once the ID token validated: the user the device is enrolled for. The answer then serves no more. */
  user_id: string | null;
  /**
   * The zero-touch enrolment this sign-in started (set once, by the core workflow that checked the answer): its
   * placement takes `user_id` as the owner. Kept after the enrolment, as the record of who signed in.
   */
  enrollment_id: string | null;
  /** Account-driven: SHA-256 of the access token handed to the device; never the token. It serves one enrolment. */
  token_hash: string | null;
  token_expires_at: Date | null;
  /** Account-driven: the mode the device asked for at discovery, set with the enrolment; null = ADDE (older rows). */
  enrollment_mode: AccountEnrollmentMode | null;
  created_at: Generated<Date>;
}

export type AppleSignIn = Selectable<AppleSignInTable>;
