// The device workflow's policy signal and state, declared beside the module that handles them (device-policy.ts).
import { defineSignal } from '@temporalio/workflow';
import { POLICIES_CHANGED_SIGNAL } from '../core/policy/policies-changed-signal.js';

/** The device's desired policy set changed in the core DB: reconcile it. Carries nothing; the core has it all. */
export const policiesChangedSignal = defineSignal<[]>(POLICIES_CHANGED_SIGNAL);

export interface DevicePolicyState {
  /** A reconcile is due (a change was signalled, the device enrolled, or drift was found). */
  due: boolean;
  /** ProfileList commands Keep sent as proof, whose answers are verified. */
  proofCommands: string[];
  /** Inventory commands sent at enrolment: once answered, the device's platform and OS are known to target. */
  inventoryCommands?: string[];
}
