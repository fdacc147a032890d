// A Windows PC's policies on the core side: the CSP nodes to set (new, changed, or drifted), the nodes to take
// off, one Get that proves them all, and per-setting compliance from the PC's answer to that Get.
import { createHash, randomUUID } from 'node:crypto';
import type { Device } from '../../core/db/core/device.table.js';
import type { DeviceCommand } from '../../core/device/device-command.js';
import { POLICY_REQUESTER } from '../../core/policy/index.js';
import {
  applyNodeCommands,
  checkNodesCommand,
  nodeReadTargets,
  removeNodeCommand,
  reportedNodeValues,
  translateWindowsPolicy,
  verifyNodes,
  WINDOWS_POLICY_CHECK,
  windowsPolicyCompliance,
  type CspNode,
  type NodeState,
  type WindowsTarget,
  type WindowsTranslation,
} from '../../core/windows/policy/index.js';
import type { OutgoingCommand } from '../../core/windows/syncml/syncml-reply.js';
import type { DevicePolicyPlan } from './device-policy.activities.js';
import {
  desiredPolicyRows,
  forgetRemoved,
  recordedItems,
  recordSent,
  replaceCompliance,
  saveVerified,
  type Db,
  type DesiredPolicyRow,
} from './device-policy.store.js';

type Desired = DesiredPolicyRow & { translation: WindowsTranslation };
type Recorded = Awaited<ReturnType<typeof recordedItems>>;

function targetOf(device: Device): WindowsTarget {
  return { osVersion: device.os_version ?? 'unknown' };
}

async function desiredOf(tx: Db, device: Device): Promise<Desired[]> {
  const target = targetOf(device);
  return (await desiredPolicyRows(tx, device.id)).map((d) => ({
    ...d,
    translation: translateWindowsPolicy(d.policy, target),
  }));
}

function nodeHash(node: CspNode): string {
  return createHash('sha256').update(`${node.apply}\n${node.format}\n${node.data}`).digest('hex');
}

/** The nodes Keep sets, each with the hash that tells a changed value; of two policies on one node the older wins. */
function wantedNodes(desired: Desired[]) {
  const byTarget = new Map<string, { node: CspNode; policyId: string; hash: string }>();
  for (const d of desired)
    for (const node of d.translation.nodes)
      if (node.apply !== 'read' && !byTarget.has(node.target))
        byTarget.set(node.target, {
          node,
          policyId: d.policyId,
          hash: nodeHash(node),
        });
  return [...byTarget.values()];
}

/** New, changed, or changed on the PC since it was proven; a node the PC refused waits for a new value. */
function toSet(wanted: ReturnType<typeof wantedNodes>, recorded: Recorded) {
  return wanted.filter((w) => {
    const r = recorded.find((p) => p.identifier === w.node.target);
    return !r || r.content_hash !== w.hash || r.status === 'missing';
  });
}

/** The PC's last answer to the policy Get (a 404 for one absent node still carries the others' values). */
function lastCheck(tx: Db, deviceId: string) {
  return tx
    .selectFrom('device_commands')
    .select(['result', 'updated_at'])
    .where('device_id', '=', deviceId)
    .where('requested_by', '=', POLICY_REQUESTER)
    .where('request_type', '=', WINDOWS_POLICY_CHECK)
    .where('status', 'in', ['acknowledged', 'error'])
    .orderBy('updated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

async function writeCompliance(tx: Db, device: Device, desired: Desired[], at: Date): Promise<void> {
  const recorded = await recordedItems(tx, device.id);
  /** A policy sees a node's state only where it wants the value the PC was sent; otherwise another policy won it. */
  const nodesOf = (d: Desired) =>
    new Map<string, NodeState>(
      d.translation.nodes.flatMap((n) => {
        const r = recorded.find((row) => row.identifier === n.target);
        if (!r || n.apply === 'read') return [];
        const state: NodeState =
          r.content_hash === nodeHash(n)
            ? { status: r.status, verifiedAt: r.verified_at }
            : { status: 'conflict', verifiedAt: null };
        return [[n.target, state]];
      }),
    );
  const check = await lastCheck(tx, device.id);
  const reported = check && { values: reportedNodeValues(check.result), at: check.updated_at };
  const policies = desired.map((d) => ({
    ...d,
    settings: windowsPolicyCompliance({
      policy: d.policy,
      target: targetOf(device),
      translation: d.translation,
      nodes: nodesOf(d),
      reported,
      osVersionAt: device.updated_at,
      now: at,
    }),
  }));
  await replaceCompliance(tx, device.id, policies, at);
}

function command(requestType: string, body: OutgoingCommand): DeviceCommand {
  return { commandUuid: randomUUID(), requestType, payload: JSON.stringify(body) };
}

/** A command per node to set or take off, then one Get of every node the policies name as proof. */
export async function planWindowsPolicies(tx: Db, device: Device, at: Date): Promise<DevicePolicyPlan> {
  const desired = await desiredOf(tx, device);
  const recorded = await recordedItems(tx, device.id);
  const wanted = wantedNodes(desired);
  const set = toSet(wanted, recorded);
  const remove = recorded.filter((r) => !wanted.some((w) => w.node.target === r.identifier));
  await recordSent(
    tx,
    device.id,
    set.map((w) => ({
      identifier: w.node.target,
      policyId: w.policyId,
      setting: w.node.setting,
      hash: w.hash,
    })),
    at,
  );
  await forgetRemoved(
    tx,
    device.id,
    remove.map((r) => r.identifier),
  );
  await writeCompliance(tx, device, desired, at);
  const commands = [
    ...set.flatMap((w) => [
      // A node an Add created answers 418 to a second Add: a changed or drifted one is taken off first (a 404
      // for one already gone is harmless; the Get after proves what the PC holds).
      ...(w.node.apply === 'Add' && recorded.some((r) => r.identifier === w.node.target)
        ? [command('Delete', removeNodeCommand(w.node.target))]
        : []),
      ...applyNodeCommands(w.node).map((c) => command(c.command, c)),
    ]),
    ...remove.map((r) => command('Delete', removeNodeCommand(r.identifier))),
  ];
  const proven = [...new Set(desired.flatMap((d) => d.translation.nodes.flatMap(nodeReadTargets)))];
  if (proven.length === 0) return { commands };
  const proof = command(WINDOWS_POLICY_CHECK, checkNodesCommand(proven));
  return { commands: [...commands, proof], proofCommandUuid: proof.commandUuid };
}

/**
 * Reads the PC's last policy Get against the nodes Keep set, records per-setting compliance, and says whether
 * the PC needs a reconcile: a node proven set holds another value now (drift), or the policies changed.
 */
export async function verifyWindowsPolicies(
  tx: Db,
  device: Device,
  at: Date,
): Promise<{ drift: boolean; reconcile: boolean }> {
  const check = await lastCheck(tx, device.id);
  if (!check) return { drift: false, reconcile: false };
  const desired = await desiredOf(tx, device);
  const recorded = await recordedItems(tx, device.id);
  const wanted = wantedNodes(desired);
  const { statuses, drift } = verifyNodes(
    recorded,
    wanted.map((w) => w.node),
    reportedNodeValues(check.result),
  );
  await saveVerified(tx, device.id, statuses, at);
  await writeCompliance(tx, device, desired, at);
  const changed = toSet(wanted, recorded).length > 0;
  return { drift, reconcile: drift || changed };
}
