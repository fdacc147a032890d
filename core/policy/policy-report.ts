// Which device answers the policy part of a device workflow must see: for a batched ingest that writes
// command reports in bulk and wakes a device workflow only for events that need a decision.

/** `device_commands.requested_by` of the commands a device workflow sends for its policies. */
export const POLICY_REQUESTER = 'policy';

/**
 * A ProfileList, whoever asked (a policy proof, or an admin: either proves what the device holds, so Keep
 * verifies, and re-applies on drift), or Keep's enrolment inventory (once answered, the device's platform and OS
 * are known and its policies can be planned).
 */
export function policyReportNeedsWorkflow(command: { requestType: string; requestedBy: string }): boolean {
  if (command.requestType === 'ProfileList') return true;
  return command.requestedBy === 'keep';
}
