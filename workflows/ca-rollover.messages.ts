// What a CA rollover shows and accepts: its progress, and an admin's pause or resume (with the admin API's proof).
import { defineQuery, defineUpdate } from '@temporalio/workflow';

export type CaRolloverPhase =
  'introducing' | 'trusting' | 'publishing' | 'switching' | 'renewing' | 'retiring' | 'completed';

export interface CaRolloverProgress {
  rolloverId: string;
  phase: CaRolloverPhase;
  paused: boolean;
  /** Why the rollover paused itself (a trust deadline passed); cleared on resume. */
  pausedReason?: string;
  /** The new issuing CA's subject, once introduced. */
  newCa: string | null;
  /** Device identities from the old CA not renewed yet (at the last count). */
  remaining: number;
  /** Devices asked to renew so far (asking one again counts again). */
  asked: number;
  /** Devices due whose enrollment no edge holds. */
  notAtEdge: number;
  /** Set when the deadline passed with identities left: the old CA was retired anyway. */
  deadlinePassed: boolean;
  /**
   * A root rollover's trust profile: enrolled Apple devices, those whose ProfileList proves the new root
   * installed, and trust profiles queued so far (asking one again counts again).
   */
  rootTrust?: { enrolled: number; trusted: number; asked: number };
}

export interface CaRolloverInput {
  rolloverId: string;
  /** How long the new CA is announced (trusted, and GetNextCACert's answer) before it issues. */
  announceSeconds: number;
  /** Devices asked per round. */
  batchSize: number;
  /** Time between rounds: the devices asked renew meanwhile. */
  checkIntervalSeconds: number;
  /** A device asked and not renewed is asked again after this long. */
  askAgainAfterMinutes: number;
  /** ISO time after which the old CA is retired even with identities left (they can no longer check in). */
  deadline: string;
  /** A root rollover: the new issuing CA is under a successor root, cross-certified by the current one. */
  newRoot?: boolean;
  /** With `newRoot`: the share (0–1) of enrolled Apple devices that must have the new root before it issues. */
  trustedShare?: number;
  /**
   * With `newRoot`: how long to wait for `trustedShare`; past it the rollover pauses itself, naming how many
   * devices lack the new root, and a resume goes on without them.
   */
  trustDeadlineMinutes?: number;
}

/** Who acts: an admin's subject and the request the admin API recorded (used once). */
export interface CaRolloverActor {
  by: string;
  requestId: string;
}

export const pauseCaRolloverUpdate = defineUpdate<CaRolloverProgress, [CaRolloverActor]>('pauseCaRollover');
export const resumeCaRolloverUpdate = defineUpdate<CaRolloverProgress, [CaRolloverActor]>('resumeCaRollover');
export const caRolloverProgressQuery = defineQuery<CaRolloverProgress>('caRolloverProgress');
