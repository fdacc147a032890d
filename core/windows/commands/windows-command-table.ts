// Windows' commands, declared once: what an admin may send, who may send it, the SyncML each becomes and what
// its result adds to the inventory. The admin API, the core's inventory and the edge read this one table.
// https://learn.microsoft.com/windows/client-management/mdm/configuration-service-provider-reference
import { z } from 'zod';
import type { DeviceFactsPatch } from '../../device/device-facts.js';
import type { ItemCommandName, SyncMLItem } from '../syncml/syncml-message.js';
import type { OutgoingCommand } from '../syncml/syncml-reply.js';

/** An OMA-DM node path below `./Device`, `./User`, `./Vendor`, `./DevInfo` or `./DevDetail` (MS-MDM §2.2.1.2). */
const nodePath = z
  .string()
  .max(1024)
  .regex(/^\.\/(Device|User|Vendor|DevInfo|DevDetail)(\/[^/\s<>&]+)+$/, 'expected an OMA-DM node path');

const item = z.strictObject({
  target: nodePath.describe('The node the command acts on (LocURI).'),
  format: z.enum(['chr', 'int', 'bool', 'b64', 'xml', 'node', 'null']).optional().describe('Meta/Format.'),
  type: z.string().max(128).optional().describe('Meta/Type, e.g. text/plain.'),
  data: z
    .string()
    .max(64 * 1024)
    .optional()
    .describe('The value (Data).'),
});

const itemCommand = <N extends ItemCommandName>(name: N) =>
  z.strictObject({ command: z.literal(name), items: z.array(item).min(1).max(100) });

const atomicInner = z.discriminatedUnion('command', [
  itemCommand('Add'),
  itemCommand('Replace'),
  itemCommand('Delete'),
  itemCommand('Exec'),
]);

/** The nodes Keep reads at first enrolment and on demand (DevInfo and DevDetail CSPs). */
export const INVENTORY_NODES = {
  serialNumber: './DevDetail/Ext/Microsoft/SMBIOSSerialNumber',
  name: './DevDetail/Ext/Microsoft/DeviceName',
  osVersion: './DevDetail/SwV',
  model: './DevInfo/Mod',
  manufacturer: './DevInfo/Man',
  secureBoot: './Vendor/MSFT/DeviceStatus/SecureBootState',
  tpmVersion: './Vendor/MSFT/DeviceStatus/TPM/SpecificationVersion',
} as const;

/** DeviceStatus' SecureBootState values (devicestatus-csp#securebootstate): shown as a fact, not a setting. */
const SECURE_BOOT: Record<string, string> = { '0': 'not supported', '1': 'enabled', '2': 'disabled' };

/**
 * Configuration service providers whose nodes hold secrets: a Get of one answers with a local admin password (LAPS), a
 * recovery key (BitLocker) or a lock PIN (RemoteLock). The edge seals such an answer to the core before it waits in
 * the outbox (edge/windows/syncml-session.ts), as it does Apple answers with a secret.
 */
export const SECRET_CSPS = ['LAPS', 'BitLocker', 'RemoteLock'] as const;

/** Matched without regard to case: a device that answers with another spelling still has its secret sealed. */
const secretNode = new RegExp(`^\\./(Device/|User/)?Vendor/MSFT/(${SECRET_CSPS.join('|')})(/|$)`, 'i');

export const isSecretNode = (path: string): boolean => secretNode.test(path);

/** Whether a command's answer read a secret node (its `values` are keyed by node path). */
export const holdsSecretValues = (result: { values?: Record<string, string> }): boolean =>
  Object.keys(result.values ?? {}).some(isSecretNode);

/** `helpdesk`: a help desk may send it (reads); everything that changes or erases the PC may not. */
export const windowsCommands = {
  Get: { body: itemCommand('Get'), helpdesk: true },
  Add: { body: itemCommand('Add'), helpdesk: false },
  Replace: { body: itemCommand('Replace'), helpdesk: false },
  Delete: { body: itemCommand('Delete'), helpdesk: false },
  Exec: { body: itemCommand('Exec'), helpdesk: false },
  Atomic: {
    body: z.strictObject({ command: z.literal('Atomic'), commands: z.array(atomicInner).min(1).max(50) }),
    helpdesk: false,
  },
  Inventory: { body: z.strictObject({ command: z.literal('Inventory') }), helpdesk: true },
  /** Wipes the PC, keeping provisioning data so that it can re-enrol (RemoteWipe CSP). */
  RemoteWipe: { body: z.strictObject({ command: z.literal('RemoteWipe') }), helpdesk: false },
} as const;

export type WindowsCommandName = keyof typeof windowsCommands;

export const windowsCommandRequestBody = z.discriminatedUnion('command', [
  windowsCommands.Get.body,
  windowsCommands.Add.body,
  windowsCommands.Replace.body,
  windowsCommands.Delete.body,
  windowsCommands.Exec.body,
  windowsCommands.Atomic.body,
  windowsCommands.Inventory.body,
  windowsCommands.RemoteWipe.body,
]);

export type WindowsCommandRequest = z.infer<typeof windowsCommandRequestBody>;

export function isWindowsCommandName(name: string): name is WindowsCommandName {
  return Object.hasOwn(windowsCommands, name);
}

function toItems(items: z.infer<typeof item>[]): SyncMLItem[] {
  return items.map(({ target, format, type, data }) => ({
    target,
    ...(format || type ? { meta: { ...(format ? { format } : {}), ...(type ? { type } : {}) } } : {}),
    ...(data === undefined ? {} : { data }),
  }));
}

/** The SyncML command a request becomes; the edge numbers it when it sends it. */
export function buildWindowsCommand(request: WindowsCommandRequest): OutgoingCommand {
  switch (request.command) {
    case 'Get':
    case 'Add':
    case 'Replace':
    case 'Delete':
    case 'Exec':
      return { command: request.command, items: toItems(request.items) };
    case 'Atomic':
      return {
        command: 'Atomic',
        commands: request.commands.map((c) => ({ command: c.command, items: toItems(c.items) })),
      };
    case 'Inventory':
      return { command: 'Get', items: Object.values(INVENTORY_NODES).map((target) => ({ target })) };
    case 'RemoteWipe':
      return { command: 'Exec', items: [{ target: './Device/Vendor/MSFT/RemoteWipe/doWipeProtected' }] };
    default:
      return unreachable(request);
  }
}

/** A command's result as the edge reports it: its status code and, for a Get, the values by node. */
export interface WindowsCommandResult {
  status: string;
  values?: Record<string, string>;
}

/** What an inventory read adds to the device's facts and columns (serial = SMBIOSSerialNumber). */
export function windowsResultFacts(
  requestType: string,
  result: Record<string, unknown>,
): DeviceFactsPatch | undefined {
  if (requestType !== 'Inventory') return undefined;
  const values = (result as Partial<WindowsCommandResult>).values ?? {};
  const value = (node: string) => (typeof values[node] === 'string' ? values[node] : undefined);
  const columns = {
    serialNumber: value(INVENTORY_NODES.serialNumber),
    name: value(INVENTORY_NODES.name),
    osVersion: value(INVENTORY_NODES.osVersion),
    model: value(INVENTORY_NODES.model),
  };
  return {
    facts: {
      windows: {
        manufacturer: value(INVENTORY_NODES.manufacturer) ?? null,
        secureBoot: SECURE_BOOT[value(INVENTORY_NODES.secureBoot) ?? ''] ?? null,
        tpmVersion: value(INVENTORY_NODES.tpmVersion) ?? null,
        nodes: values,
      },
    },
    columns: Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined)),
  };
}

function unreachable(value: never): never {
  throw new TypeError(`unhandled Windows command ${JSON.stringify(value)}`);
}
