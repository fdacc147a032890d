// Restrictions: the Camera and Storage areas of the Policy CSP; the rest Windows desktop has no node for.
// https://learn.microsoft.com/windows/client-management/mdm/policy-csp-camera
// https://learn.microsoft.com/windows/client-management/mdm/policy-csp-storage
import type { PolicySettings } from '../../../policy/index.js';
import { mapFields, type CspFieldMap } from '../csp-field-map.js';
import type { WindowsTarget, WindowsTranslation } from '../csp-node.js';

type Restrictions = NonNullable<PolicySettings['restrictions']>;

const POLICY = './Device/Vendor/MSFT/Policy/Config';

const RESTRICTIONS: CspFieldMap<Restrictions> = {
  allowCamera: { target: `${POLICY}/Camera/AllowCamera`, format: 'int', value: (v) => (v ? 1 : 0) },
  // An ADMX-backed policy: its value is the ADMX element, sent as chr (escaped by the SyncML encoder).
  allowUsbStorage: {
    target: `${POLICY}/Storage/RemovableDiskDenyWriteAccess`,
    format: 'chr',
    value: (v) => (v ? '<disabled/>' : '<enabled/>'),
  },
  allowAppStore: 'the Policy CSP cannot turn the Microsoft Store off on Windows desktop',
  allowScreenshots: 'the Policy CSP cannot block screenshots on Windows desktop',
};

export function translateRestrictions(value: Restrictions, target: WindowsTarget): WindowsTranslation {
  return mapFields(value, RESTRICTIONS, 'restrictions', target);
}
