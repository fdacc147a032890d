// Which device events need a decision from the device's workflow. Everything else (results, facts,
// Authenticate) is state the bulk ingest writes to the core DB; waking a workflow for it would cost a
// workflow task per event and decide nothing. One row per kind: a feature that must react to a kind
// (policy, escrow, enrolment) changes its row, and a new kind fails to compile until it has one.
import type { DeviceEvent, DeviceEventData, DeviceEventKind } from './device-event.js';

/** What the ingest knows beyond the event itself, read in one statement per batch. */
export interface WakeContext {
  /** Devices whose zero-touch enrollment waits for their baseline: their command reports decide DeviceConfigured. */
  awaitingConfiguration: ReadonlySet<string>;
  /** Commands whose answer a device workflow decides on: policy proofs and Keep's inventory (core/policy/policy-report.ts). */
  decidingCommands: ReadonlySet<string>;
  /** Commands whose answer carries a secret the device encrypted for the core's vault (e.g. a FileVault key). */
  escrowCommands?: ReadonlySet<string>;
}

const wakes: {
  [K in DeviceEventKind]: (data: DeviceEventData[K], deviceId: string, context: WakeContext) => boolean;
} = {
  authenticated: () => false,
  // The device channel is ready: the workflow sends the first inventory. A user channel enrols nothing.
  'channel-ready': (data) => !data.userChannel,
  // The device left: its identities are revoked.
  'checked-out': () => true,
  // The renewed identity is in use: the one it replaced is revoked.
  'identity-renewed': () => true,
  'command-report': (data, deviceId, context) =>
    context.decidingCommands.has(data.commandUuid) ||
    context.awaitingConfiguration.has(deviceId) ||
    (context.escrowCommands?.has(data.commandUuid) ?? false),
  // A DDM status report on declarations proves them (or shows drift): the device's policies are verified
  // again. A report naming none (a device Keep serves no declarations) decides nothing.
  'facts-reported': (data) => namesDeclarations(data.facts),
};

/** A DDM status report about declarations (core/apple/apple-device-event.ts relays the `status` endpoint so). */
export function reportsDeclarativeStatus(event: DeviceEvent): boolean {
  return event.kind === 'facts-reported' && namesDeclarations(event.data.facts);
}

function namesDeclarations(facts: Record<string, unknown>): boolean {
  const report = facts.declarativeStatus as { declarations?: unknown } | null | undefined;
  return Array.isArray(report?.declarations) && report.declarations.length > 0;
}

export function wakesDeviceWorkflow(
  event: DeviceEvent,
  deviceId: string,
  context: WakeContext = { awaitingConfiguration: new Set(), decidingCommands: new Set() },
): boolean {
  return (wakes[event.kind] as (data: DeviceEvent['data'], id: string, ctx: WakeContext) => boolean)(
    event.data,
    deviceId,
    context,
  );
}
