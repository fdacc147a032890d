// Policies, a target and the wire form of a node's command, shared by the Windows translator tests.
import { expect } from 'vitest';
import { parsePolicy, type PolicySettings } from '../../../../core/policy/index.js';
import {
  applyNodeCommands,
  translateWindowsPolicy,
  type CspNode,
  type WindowsTarget,
  type WindowsTranslation,
} from '../../../../core/windows/policy/index.js';
import { decodeSyncML, encodeSyncML, type SyncMLMessage } from '../../../../core/windows/index.js';

export const windows11: WindowsTarget = { osVersion: '10.0.22631.4460' };

/** Parsed like an admin's document, so every setting is valid as the schema takes it. */
export function translate(settings: PolicySettings, target = windows11): WindowsTranslation {
  const policy = parsePolicy(JSON.stringify({ schemaVersion: 1, name: 'baseline', settings }), 'json');
  return translateWindowsPolicy(policy, target);
}

/** The node's command as the edge sends it, checked to come back unchanged through the SyncML decoder. */
export function wire(node: CspNode): string {
  const message: SyncMLMessage = {
    header: { sessionId: '1', msgId: 1, target: 'PC', source: 'https://mdm.example.com' },
    commands: applyNodeCommands(node).map(
      (c, i) => ({ ...c, cmdId: i + 2 }) as SyncMLMessage['commands'][number],
    ),
    final: true,
  };
  const xml = encodeSyncML(message);
  expect(decodeSyncML(xml).commands).toEqual(message.commands);
  return /<SyncBody>(.*)<Final\/><\/SyncBody>/.exec(xml)![1]!;
}

export const targets = (t: WindowsTranslation) => t.nodes.map((n) => `${n.target}=${n.data}`);
