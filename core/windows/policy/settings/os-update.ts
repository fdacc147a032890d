// OS updates: a Windows entry is judged by the version the PC reports (DevDetail/SwV); Keep forces no update yet.
import type { PolicySettings } from '../../../policy/index.js';
import { windowsReason, type WindowsTarget, type WindowsTranslation } from '../csp-node.js';

type OsUpdates = NonNullable<PolicySettings['osUpdates']>;

export function translateOsUpdates(updates: OsUpdates, target: WindowsTarget): WindowsTranslation {
  if (updates.some((u) => u.platform === 'windows')) return { nodes: [], notApplicable: [] };
  return {
    nodes: [],
    notApplicable: [{ setting: 'osUpdates', reason: windowsReason(target, 'no update named for it') }],
  };
}
