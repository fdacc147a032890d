// Per-setting compliance of one policy on one Windows PC, from the PC's own answers (its Get of the policy's
// nodes, the status nodes among them, its reported OS version), never from "Keep sent it". Pure.
import type { PolicyProfileStatus } from '../../db/core/policy.table.js';
import {
  osUpdateSettingCompliance,
  worstCompliance,
  type Policy,
  type PolicySettingName,
  type SettingCompliance,
} from '../../policy/index.js';
import type { CspNode, ExecProgress, WindowsTarget, WindowsTranslation } from './csp-node.js';
import { msiStatus } from './msi-status.js';
import { holdsValue } from './node-verification.js';

export interface NodeState {
  /** `conflict`: another policy on the PC sets the node to another value (the first policy wins it). */
  status: PolicyProfileStatus | 'conflict';
  verifiedAt: Date | null;
}

export interface WindowsComplianceInput {
  policy: Policy;
  target: WindowsTarget;
  translation: WindowsTranslation;
  /** Keep's nodes on the PC by LocURI, as the last check proved them. */
  nodes: ReadonlyMap<string, NodeState>;
  /** The PC's last answer to the policy Get, and when it was recorded. */
  reported?: { values: Readonly<Record<string, string>>; at: Date } | undefined;
  /** When the PC last reported its OS version. */
  osVersionAt?: Date | undefined;
  now: Date;
}

export function windowsPolicyCompliance(input: WindowsComplianceInput): SettingCompliance[] {
  const { policy, translation } = input;
  const out: SettingCompliance[] = [];
  for (const name of Object.keys(policy.settings) as PolicySettingName[]) {
    if (policy.settings[name] === undefined) continue;
    const notApplicable = (n: { setting: string; reason: string }) => ({
      setting: n.setting,
      status: 'not-applicable' as const,
      reason: n.reason,
    });
    const whole = translation.notApplicable.filter((n) => n.setting === name);
    // A list's entries stand alone: one the PC cannot take is reported beside those it can (`apps[0]`, …).
    const entries = translation.notApplicable.filter((n) => n.setting.startsWith(`${name}[`));
    if (whole.length > 0) out.push(...whole.map(notApplicable));
    else {
      const judged = settingStatuses(name, input);
      out.push(...entries.map(notApplicable));
      // With no node left to enforce, the not-applicable entries are the whole report.
      out.push(...(entries.length > 0 ? judged.filter((row) => row.setting !== name) : judged));
    }
    // Fields the PC cannot take are reported beside the setting, which is judged on what it can.
    for (const field of translation.notApplicable)
      if (field.setting.startsWith(`${name}.`))
        out.push({ setting: field.setting, status: 'not-applicable', reason: field.reason });
  }
  return out;
}

/** One row per setting, or per entry of a list whose entries stand alone (`apps[0]`, …). */
function settingStatuses(name: PolicySettingName, input: WindowsComplianceInput): SettingCompliance[] {
  if (name === 'osUpdates')
    return [
      osUpdateSettingCompliance(input.policy.settings.osUpdates ?? [], {
        platform: 'windows',
        osVersion: input.target.osVersion,
        ...(input.osVersionAt ? { reportedAt: input.osVersionAt } : {}),
        now: input.now,
      }),
    ];
  const nodes = input.translation.nodes.filter((n) => n.setting === name || n.setting.startsWith(`${name}[`));
  // Nothing to enforce (e.g. encryption not required): the PC meets it as it is.
  if (nodes.length === 0) return [{ setting: name, status: 'compliant' }];
  const rows = [...new Set(nodes.map((n) => n.setting))];
  return rows.map((row) =>
    worstCompliance(nodes.filter((n) => n.setting === row).map((n) => nodeStatus(n, input))),
  );
}

function nodeStatus(node: CspNode, input: WindowsComplianceInput): SettingCompliance {
  if (node.apply === 'read') return readStatus(node, input);
  return node.progress ? installStatus(node, node.progress, input) : setStatus(node, input);
}

/** An install is proven by its status node; one still running is pending, a failure names the PC's error. */
function installStatus(
  node: CspNode,
  progress: ExecProgress,
  input: WindowsComplianceInput,
): SettingCompliance {
  const setting = node.setting;
  const state = input.nodes.get(node.target);
  const values = input.reported?.values ?? {};
  const status = msiStatus(values[progress.status]);
  const lastError = values[progress.lastError];
  switch (state?.status) {
    case 'installed':
      return { setting, status: 'compliant', ...(state.verifiedAt ? { provenAt: state.verifiedAt } : {}) };
    case 'missing':
      return {
        setting,
        status: 'failing',
        reason: `${progress.subject} was removed from the device; re-installing`,
      };
    case 'conflict':
      return {
        setting,
        status: 'failing',
        reason: `another policy installs ${progress.subject} from another package`,
      };
    case 'failed':
      return {
        setting,
        status: 'failing',
        reason: `the device did not install ${progress.subject}: ${status.meaning}${lastError ? ` (LastError ${lastError})` : ''}`,
      };
    case 'sent':
    case undefined:
      return {
        setting,
        status: 'unknown',
        reason:
          status.progress === 'pending'
            ? `installing ${progress.subject}: ${status.meaning}`
            : `waiting for the device to report ${progress.status}`,
      };
    default: {
      const unknown: never = state!.status;
      throw new TypeError(`unknown node status ${String(unknown)}`);
    }
  }
}

function setStatus(node: CspNode, input: WindowsComplianceInput): SettingCompliance {
  const setting = node.setting;
  const state = input.nodes.get(node.target);
  switch (state?.status) {
    case 'installed':
      return { setting, status: 'compliant', ...(state.verifiedAt ? { provenAt: state.verifiedAt } : {}) };
    case 'missing':
      return { setting, status: 'failing', reason: `${node.target} changed on the device; re-applying` };
    case 'failed':
      return { setting, status: 'failing', reason: `the device did not take ${node.target}` };
    case 'conflict':
      return { setting, status: 'failing', reason: `another policy sets ${node.target} to another value` };
    case 'sent':
    case undefined:
      return { setting, status: 'unknown', reason: `waiting for the device to report ${node.target}` };
    default: {
      const unknown: never = state!.status;
      throw new TypeError(`unknown node status ${String(unknown)}`);
    }
  }
}

function readStatus(node: CspNode, input: WindowsComplianceInput): SettingCompliance {
  const setting = node.setting;
  const reported = input.reported;
  if (!reported)
    return { setting, status: 'unknown', reason: `waiting for the device to report ${node.target}` };
  if (holdsValue(node, reported.values[node.target]))
    return { setting, status: 'compliant', provenAt: reported.at };
  return {
    setting,
    status: 'failing',
    reason:
      node.reasons?.[reported.values[node.target] ?? ''] ??
      node.unmet ??
      `${node.target} is not ${node.data}`,
    provenAt: reported.at,
  };
}
