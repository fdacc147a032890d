// The OMA-DM commands that put a policy's CSP nodes on a PC, take them off, and read them back as proof.
import type { OutgoingCommand } from '../syncml/syncml-reply.js';
import type { CspNode } from './csp-node.js';

/** `device_commands.request_type` of the Get that proves a PC's policy nodes (see `policyReportNeedsWorkflow`). */
export const WINDOWS_POLICY_CHECK = 'PolicyCheck';

/**
 * The commands for one node, so that each gets its own status and one refused node leaves the others set. An
 * `Exec` node is created by an Add first, as the CSP requires (a 418 for one already there is harmless).
 */
export function applyNodeCommands(node: CspNode): OutgoingCommand[] {
  const item = { target: node.target, meta: { format: node.format }, data: node.data };
  switch (node.apply) {
    case 'Replace':
    case 'Add':
      return [{ command: node.apply, items: [item] }];
    case 'Exec':
      return [
        { command: 'Add', items: [{ target: node.target }] },
        { command: 'Exec', items: [item] },
      ];
    case 'read':
      throw new TypeError(`${node.target} is only read`);
    default: {
      const unknown: never = node.apply;
      throw new TypeError(`unknown apply ${String(unknown)}`);
    }
  }
}

/**
 * Withdraws a node Keep set: a policy returns to its default, a certificate leaves the store with its thumbprint,
 * a Wi-Fi profile goes with its SSID node, an MSI is uninstalled with its product node.
 */
export function removeNodeCommand(target: string): OutgoingCommand {
  const node = target.replace(/\/(EncodedCertificate|WlanXml|DownloadInstall)$/, '');
  return { command: 'Delete', items: [{ target: node }] };
}

/** One Get of every node: the PC answers what it holds in one Results; a node it lacks is absent from it. */
export function checkNodesCommand(targets: readonly string[]): OutgoingCommand {
  return { command: 'Get', items: targets.map((target) => ({ target })) };
}
