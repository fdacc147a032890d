// The reveal workflow's input and messages: the admin API's only way in.
import { defineSignal, defineUpdate } from '@temporalio/workflow';

export interface SecretRevealInput {
  requestId: string;
  /** A second admin must approve before the secret may be shown. */
  approvalRequired: boolean;
  /** How long approval, then the reveal, may take, in milliseconds. */
  windowMs: number;
  /**
   * Set when the revealed secret is one Keep rotates. The rotation goes through the device's own edge (asked of its
   * device workflow); this edge is used only by runs from before rotations had a workflow of their own.
   */
  rotateThroughEdge?: string;
}

/** Another admin approved (recorded by the admin API): the workflow checks the record, not the signal. */
export const secretRevealApprovedSignal = defineSignal('secretRevealApproved');

/** Shows the secret once, sealed to the key the admin API recorded with the reveal. */
export const revealSecretUpdate = defineUpdate<{ sealedSecret: string }>('revealSecret');
