// The reveal workflow's input and messages: the admin API's only way in.
import { defineSignal, defineUpdate } from '@temporalio/workflow';

export interface SecretRevealInput {
  requestId: string;
  /** A second admin must approve before the secret may be shown. */
  approvalRequired: boolean;
  /** How long approval, then the reveal, may take, in milliseconds. */
  windowMs: number;
  /** A revealed FileVault key or Recovery Lock password is rotated through this edge (its key seals the command). */
  rotateThroughEdge?: string;
}

/** Another admin approved (recorded by the admin API): the workflow checks the record, not the signal. */
export const secretRevealApprovedSignal = defineSignal('secretRevealApproved');

/** Shows the secret once, sealed to the key the admin API recorded with the reveal. */
export const revealSecretUpdate = defineUpdate<{ sealedSecret: string }>('revealSecret');
