// The escape hatch: an admin's own CSP nodes, set with Replace and proven with Get like Keep's own.
import type { PolicySettings } from '../../../policy/index.js';
import { node } from '../csp-field-map.js';
import { windowsReason, type WindowsTarget, type WindowsTranslation } from '../csp-node.js';

type Raw = NonNullable<PolicySettings['raw']>;

export function translateRaw(value: Raw, target: WindowsTarget): WindowsTranslation {
  return {
    nodes: (value.windows?.nodes ?? []).map((n) => node('raw', n.target, n.format, n.data)),
    notApplicable: value.apple
      ? [{ setting: 'raw.apple', reason: windowsReason(target, 'these are Apple payloads') }]
      : [],
  };
}
