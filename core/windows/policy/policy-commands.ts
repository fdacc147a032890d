// The OMA-DM commands that put a policy's CSP nodes on a PC, take them off, and read them back as proof.
import type { OutgoingCommand } from '../syncml/syncml-reply.js';
import type { CspNode } from './csp-node.js';

/** `device_commands.request_type` of the Get that proves a PC's policy nodes (see `policyReportNeedsWorkflow`). */
export const WINDOWS_POLICY_CHECK = 'PolicyCheck';

/** One command per node, so that each gets its own status and one refused node leaves the others set. */
export function applyNodeCommand(node: CspNode): OutgoingCommand {
  if (node.apply === 'read') throw new TypeError(`${node.target} is only read`);
  return {
    command: node.apply,
    items: [{ target: node.target, meta: { format: node.format }, data: node.data }],
  };
}

/**
 * Withdraws a node Keep set: a policy returns to its default, a certificate leaves the store with its thumbprint,
 * a Wi-Fi profile goes with its SSID node.
 */
export function removeNodeCommand(target: string): OutgoingCommand {
  return { command: 'Delete', items: [{ target: target.replace(/\/(EncodedCertificate|WlanXml)$/, '') }] };
}

/** One Get of every node: the PC answers what it holds in one Results; a node it lacks is absent from it. */
export function checkNodesCommand(targets: readonly string[]): OutgoingCommand {
  return { command: 'Get', items: targets.map((target) => ({ target })) };
}
