// Which device answers the policy part of a device workflow must see: for a batched ingest that writes
// command reports in bulk and wakes a device workflow only for events that need a decision.
import { WINDOWS_POLICY_CHECK } from '../windows/policy/policy-commands.js';

/** `device_commands.requested_by` of the commands a device workflow sends for its policies. */
export const POLICY_REQUESTER = 'policy';

/** The commands whose answer proves a device's policies: Apple's ProfileList, the Get of a PC's policy nodes. */
const PROOF_REQUEST_TYPES = new Set(['ProfileList', WINDOWS_POLICY_CHECK]);

/**
 * A ProfileList, whoever asked (a policy proof, or an admin: either proves what the device holds, so Keep
 * verifies, and re-applies on drift), the Get of a PC's policy nodes Keep sent as a proof, or Keep's enrolment
 * inventory (once answered, the device's platform and OS are known and its policies can be planned).
 */
export function policyReportNeedsWorkflow(command: { requestType: string; requestedBy: string }): boolean {
  if (command.requestType === 'ProfileList') return true;
  if (command.requestedBy === POLICY_REQUESTER) return PROOF_REQUEST_TYPES.has(command.requestType);
  return command.requestedBy === 'keep';
}
